"""Settings: one typed object, loud failures, safe production defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bordin.settings import Settings


def test_it_reads_bordin_variables_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BORDIN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BORDIN_FEEDBACK_LINK_HOURS", "24")
    settings = Settings()
    assert settings.feedback_link_hours == 24
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.as_posix()}/bordin.sqlite3"


def test_a_bad_value_fails_loudly_and_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BORDIN_FEEDBACK_LINK_HOURS", "soon")
    with pytest.raises(ValidationError, match="feedback_link_hours"):
        Settings()


@pytest.mark.parametrize("secret", ["", "changeme", "dev"])
def test_production_refuses_a_placeholder_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=secret, encryption_key="x" * 40)  # type: ignore[arg-type]


def test_production_refuses_demo_mode() -> None:
    with pytest.raises(ValidationError, match="DEMO_MODE"):
        Settings(
            environment="production",
            demo_mode=True,
            secret_key="s" * 40,  # type: ignore[arg-type]
            encryption_key="e" * 40,
        )  # type: ignore[arg-type]


def test_production_cookies_are_secure_by_default() -> None:
    prod = Settings(
        environment="production",
        secret_key="s" * 40,  # type: ignore[arg-type]
        encryption_key="e" * 40,
    )  # type: ignore[arg-type]
    assert prod.secure_cookies is True
    assert Settings(environment="development").secure_cookies is False


def test_secrets_can_come_from_files(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("a-long-secret-from-a-file\n")
    settings = Settings(environment="production", secret_key_file=key, encryption_key_file=key)
    assert settings.signing_key() == b"a-long-secret-from-a-file"


def test_development_generates_keys_once_per_data_folder(tmp_path: Path) -> None:
    first = Settings(environment="development", data_dir=tmp_path)
    second = Settings(environment="development", data_dir=tmp_path)
    assert first.signing_key() == second.signing_key()
    assert first.fernet_key() == second.fernet_key()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
