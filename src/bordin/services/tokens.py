"""Unguessable tokens: only their SHA-256 hash is ever stored."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A 256-bit random token, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
