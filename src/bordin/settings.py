"""Bordin's configuration: one typed object, read from ``BORDIN_*`` environment variables.

Nothing here runs at import time. Build a :class:`Settings` (``Settings()`` reads the
environment; tests pass values directly) and hand it to ``create_app(settings)`` or to the CLI.
Every field is documented in ``docs/configuration.md``, and a test keeps that page complete.

Secrets may come from a file: ``BORDIN_SECRET_KEY_FILE=/run/secrets/key`` is read when
``BORDIN_SECRET_KEY`` is unset. Outside development and test, a missing or placeholder secret is
refused at start-up rather than silently replaced.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: PostgreSQL connections each process keeps open for reuse (``BORDIN_DATABASE_POOL_SIZE``).
DEFAULT_POOL_SIZE = 16

Environment = Literal["development", "test", "production"]
TransportKind = Literal["log", "smtp", "memory"]
CrisisLocale = Literal["UK", "EU", "US", "AU"]

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev"})

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class Settings(BaseSettings):
    """Everything Bordin can be configured with. Field descriptions are the documentation."""

    model_config = SettingsConfigDict(env_prefix="BORDIN_", extra="ignore", frozen=True)

    environment: Environment = Field(
        "development",
        description="development, test or production. Production refuses placeholder secrets "
        "and insists on secure cookies.",
    )
    data_dir: Path = Field(
        Path("data"),
        description="Folder for the embedded SQLite database and generated keys in development.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL. Unset: SQLite (WAL mode) at DATA_DIR/bordin.sqlite3. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/dbname.",
    )
    database_pool_size: int = Field(
        DEFAULT_POOL_SIZE,
        ge=1,
        le=200,
        description="PostgreSQL connections each web or worker process keeps open for reuse "
        "(a quarter more, at least two, are opened for a burst and closed after it). Keep "
        "processes × (this + a quarter) under the server's max_connections.",
    )
    secret_key: SecretStr | None = Field(
        None,
        description="Signs session cookies and feedback links. Required in production; in "
        "development one is generated into DATA_DIR/secret_key.",
    )
    secret_key_file: Path | None = Field(
        None, description="Read SECRET_KEY from this file (for container secrets)."
    )
    encryption_key: SecretStr | None = Field(
        None,
        description="Fernet key that encrypts client free text at rest. Required in production; "
        "in development one is generated into DATA_DIR/encryption_key.",
    )
    encryption_key_file: Path | None = Field(
        None, description="Read ENCRYPTION_KEY from this file."
    )
    demo_mode: bool = Field(
        False,
        description="Offer one-click sign-in as each demo person. Never in production "
        "(refused at start-up).",
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public address of this Bordin, used to build the links sent by email.",
    )
    session_hours: int = Field(
        12, ge=1, le=24 * 14, description="How long a staff sign-in lasts, in hours."
    )
    cookie_secure: bool | None = Field(
        None,
        description="Send cookies only over HTTPS. Unset: on in production, off otherwise.",
    )
    login_max_failures: int = Field(
        5,
        ge=1,
        description="Failed sign-ins for one account from one address before each further "
        "attempt there must wait, doubling from 30 seconds (an address gets four times as many "
        "across accounts).",
    )
    login_window_minutes: int = Field(
        15, ge=1, description="The window over which failed sign-ins are counted."
    )
    api_requests_per_minute: int = Field(
        600,
        ge=1,
        description="Requests one API token may make a minute in one web worker process; "
        "more are answered 429 with Retry-After.",
    )
    intake_max_per_hour: int = Field(
        5, ge=1, description="Self-referrals accepted per hour from one address (the public form)."
    )
    fit_check_after_session: int = Field(
        3,
        ge=1,
        le=20,
        description="After this many attended sessions the client is asked, privately, whether "
        "their therapist is right for them (the fit check), with the Cultural Responsiveness "
        "Check.",
    )
    feedback_link_hours: int = Field(
        72,
        ge=1,
        description="How long a session feedback link stays valid after the session ends, "
        "in hours.",
    )
    reminder_hours: list[int] = Field(
        [48, 2],
        description="When session reminders go out, in hours before the session, as a JSON "
        "list (e.g. [48, 2]). An empty list sends none.",
    )
    reminder_channels: list[Literal["email", "sms"]] = Field(
        ["email", "sms"],
        description="Which channels reminders use, as a JSON list of email and sms. A client "
        "gets each only with an address or number on file and no opt-out.",
    )
    digest_hour: int = Field(
        7, ge=0, le=23, description="Hour of the day (UTC) the worker sends the alert digest."
    )
    worker_poll_seconds: float = Field(
        1.0, gt=0, le=60, description="How often an idle worker looks for due jobs, in seconds."
    )
    sms_transport: Literal["log", "twilio", "memory"] = Field(
        "log",
        description="How SMS goes out: twilio (the Messages REST API), log (development: "
        "records that a message went, never its content) or memory (tests).",
    )
    twilio_account_sid: str | None = Field(None, description="Twilio Account SID (AC...).")
    twilio_auth_token: SecretStr | None = Field(None, description="Twilio auth token.")
    twilio_from: str | None = Field(
        None, description="The sending number for SMS, in E.164 form (+447700900123)."
    )
    twilio_api_base: str = Field(
        "https://api.twilio.com",
        description="Base address of the Twilio API (tests point it at a local server).",
    )
    magic_link_minutes: int = Field(
        30, ge=1, description="How long a client's sign-in link stays valid."
    )
    notify_transport: TransportKind = Field(
        "log",
        description="How email goes out: smtp, log (development: records that a message "
        "went, never its content) or memory (tests).",
    )
    smtp_host: str = Field("127.0.0.1", description="SMTP server host.")
    smtp_port: int = Field(25, description="SMTP server port.")
    smtp_sender: str = Field("bordin@localhost", description="From address of Bordin's email.")
    smtp_username: str | None = Field(None, description="SMTP user name, if the server needs one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_starttls: bool = Field(False, description="Use STARTTLS with the SMTP server.")
    crisis_locale: CrisisLocale = Field(
        "UK",
        description="Which default crisis numbers client pages show (UK, EU, US, AU) when the "
        "practice has configured none.",
    )
    triage_reader: Literal["light", "transformer"] = Field(
        "light",
        description="What reads clients' free text beside the rules: light (Bordin's own "
        "word and character model, under a millisecond a text) or transformer (that model "
        "averaged with a fine-tuned small language model: fewer needless alarms, tens of "
        'milliseconds a text; install with pip install "bordin[transformer]" and build it '
        "once with make triage-transformer).",
    )
    triage_transformer_dir: Path | None = Field(
        None,
        description="Folder of the built triage transformer. Unset: DATA_DIR/triage-transformer.",
    )
    log_level: str = Field("INFO", description="Python logging level.")
    trusted_proxies: list[str] = Field(
        [],
        description='Addresses of reverse proxies in front of Bordin (e.g. ["127.0.0.1"]). '
        "A request from one of them is taken to come from the address in its X-Forwarded-For "
        "header, so sign-in limits and the audit trail see the client's address, not the "
        "proxy's. Empty: forwarded headers are ignored (a client could forge them).",
    )

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment == "production":
            if self.demo_mode:
                raise ValueError("BORDIN_DEMO_MODE cannot be on in production")
            if _secret_value(self.secret_key, self.secret_key_file) in PLACEHOLDER_SECRETS:
                raise ValueError("BORDIN_SECRET_KEY must be set to a real secret in production")
            if _secret_value(self.encryption_key, self.encryption_key_file) in PLACEHOLDER_SECRETS:
                raise ValueError("BORDIN_ENCRYPTION_KEY must be set in production")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'bordin.sqlite3').as_posix()}"

    @property
    def triage_transformer_folder(self) -> Path:
        """Where the triage transformer is built and read (``triage_transformer_dir``)."""
        return self.triage_transformer_dir or self.data_dir / "triage-transformer"

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.environment == "production"

    def signing_key(self) -> bytes:
        """The secret that signs cookies and links (generated once per data folder in dev)."""
        value = _secret_value(self.secret_key, self.secret_key_file)
        if value:
            return value.encode()
        return self._dev_key("secret_key", lambda: secrets.token_urlsafe(48)).encode()

    def fernet_key(self) -> bytes:
        """The key that encrypts client free text at rest."""
        value = _secret_value(self.encryption_key, self.encryption_key_file)
        if value:
            try:
                if len(base64.urlsafe_b64decode(value.encode())) == 32:
                    return value.encode()
            except ValueError:
                pass
            # Accept any passphrase by deriving a proper Fernet key from it.
            return base64.urlsafe_b64encode(hashlib.sha256(value.encode()).digest())
        return self._dev_key(
            "encryption_key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        ).encode()

    def _dev_key(self, name: str, make: object) -> str:
        if self.environment == "production":
            raise ValueError(f"BORDIN_{name.upper()} must be set in production")
        path = self.data_dir / name
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        assert callable(make)
        value = str(make())
        path.write_text(value)
        path.chmod(0o600)
        return value


def _secret_value(secret: SecretStr | None, file: Path | None) -> str:
    if secret is not None:
        return secret.get_secret_value()
    if file is not None:
        return file.read_text().strip()
    return ""


def configure_logging(settings: Settings) -> None:
    """Log at the configured level, in one format, from every Bordin process."""
    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
