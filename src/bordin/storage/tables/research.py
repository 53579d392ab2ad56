"""Research projects: a name and a secret key that makes the project's pseudonyms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bordin.storage.base import Base


class ResearchProjectRow(Base):
    """One research project of a practice. ``key_encrypted`` is the project's 32-byte HMAC key,
    encrypted with the practice's encryption key (``BORDIN_ENCRYPTION_KEY``); it never leaves
    the database in plain form and is never shown."""

    __tablename__ = "research_projects"
    __table_args__ = (UniqueConstraint("practice_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
