"""Regenerate the single initial Alembic revision from the current table definitions.

Bordin has not been released, so the schema is one migration; from the first release on, new
revisions are added with ``alembic revision --autogenerate`` instead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from bordin.storage.migrate import MIGRATIONS, alembic_config

(MIGRATIONS / "versions" / "0001_initial_schema.py").unlink(missing_ok=True)

with tempfile.TemporaryDirectory() as folder:
    config = alembic_config(f"sqlite:///{Path(folder) / 'empty.sqlite3'}")
    command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
