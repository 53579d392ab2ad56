"""A new table that holds something about a client cannot be left out of subject access.

Every table pointing at a client, an episode or a session must be exported (``COVERED``) or
deliberately left out with a reason (``EXCLUDED``); every binary column must be encrypted client
words that the export opens. Adding a table or column without deciding makes these fail.
"""

from __future__ import annotations

from sqlalchemy import LargeBinary

from bordin.services.client_holdings import COVERED, EXCLUDED, OMITTED_COLUMNS, linked_tables
from bordin.storage.base import Base


def test_every_table_about_a_client_is_exported_or_left_out_with_a_reason() -> None:
    undecided = linked_tables() - set(COVERED) - set(EXCLUDED)
    assert undecided == set(), f"decide how subject access exports {sorted(undecided)}"
    assert set(COVERED) & set(EXCLUDED) == set()
    assert set(COVERED) <= set(Base.metadata.tables)
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_the_link_finder_sees_tables_that_point_at_clients_episodes_or_sessions() -> None:
    found = linked_tables()
    assert {"consents", "appointments", "feedback_links", "audit_events"} <= found
    assert not {"practices", "users", "working_hours", "jobs"} & found


def test_every_binary_column_of_an_exported_table_is_encrypted_words_the_export_opens() -> None:
    undecided = [
        f"{name}.{column.name}"
        for name in COVERED
        for column in Base.metadata.tables[name].columns
        if isinstance(column.type, LargeBinary) and not column.name.endswith("_encrypted")
    ]
    assert undecided == []


def test_each_left_out_column_exists_and_says_why() -> None:
    for (table, column), reason in OMITTED_COLUMNS.items():
        assert column in Base.metadata.tables[table].columns
        assert reason.strip()
