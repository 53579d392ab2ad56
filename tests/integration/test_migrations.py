"""The migration builds exactly the tables the code defines, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

import bordin.storage.tables  # noqa: F401
from bordin.storage.base import Base
from bordin.storage.migrate import current_revision


def test_the_migrated_schema_matches_the_table_definitions(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "run `make migration`: tables and migration disagree"


def test_the_database_is_at_the_head_revision(engine: Engine) -> None:
    assert current_revision(engine) == "0002"
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
