"""Settings, database and runtime for CLI commands, built when a command runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput
from bordin.services.runtime import Runtime, build_runtime
from bordin.settings import Settings
from bordin.storage.database import make_engine, make_session_factory


def load_settings(**overrides: object) -> Settings:
    """Read ``BORDIN_*`` settings; a bad value becomes one clear error, not a traceback."""
    try:
        base = Settings()
        return base.model_copy(update=overrides) if overrides else base
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "settings"
        raise InvalidInput(f"{first['msg']}", field=f"BORDIN_{field.upper()}") from None


def engine_for(settings: Settings) -> Engine:
    return make_engine(settings.resolved_database_url, pool_size=settings.database_pool_size)


@contextmanager
def database(settings: Settings) -> Iterator[tuple[Session, Runtime]]:
    engine = engine_for(settings)
    factory = make_session_factory(engine)
    session = factory()
    try:
        yield session, build_runtime(settings)
    finally:
        session.close()
        engine.dispose()
