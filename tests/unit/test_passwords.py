"""Passwords: long enough, and not guessable by zxcvbn's estimate (common, breached-style,
keyboard patterns, the person's own names)."""

from __future__ import annotations

import pytest

from bordin.services.users import password_problem
from tests.fixtures.cast import PASSWORD

ALICE = ("alice", "alice@example.org", "Alice Therapist")


@pytest.mark.parametrize(
    "password", ["password1234", "qwertyuiop", "1234567890", "iloveyou2024", "Summer2024!"]
)
def test_it_refuses_common_and_breached_style_passwords(password: str) -> None:
    problem = password_problem(password, *ALICE)
    assert problem is not None and problem.startswith("is too easy to guess")


def test_it_refuses_a_password_made_of_the_persons_own_names() -> None:
    problem = password_problem("alicetherapist", *ALICE)
    assert problem is not None and problem.startswith("is too easy to guess")


def test_it_still_refuses_short_passwords_by_length() -> None:
    assert password_problem("x7#Kq", *ALICE) == "must be at least 10 characters"


@pytest.mark.parametrize("password", [PASSWORD, "a long password", "long enough pass"])
def test_the_passwords_the_tests_and_docs_use_still_pass(password: str) -> None:
    assert password_problem(password, *ALICE) is None
