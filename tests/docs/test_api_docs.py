"""docs/api.md names every operation of the REST API and every error code it can answer with."""

from __future__ import annotations

from bordin.docgen import ROOT
from bordin.web.api import PREFIX, openapi_document
from bordin.web.api.errors import CODES

PAGE = ROOT / "docs" / "api.md"


def test_every_api_operation_is_documented() -> None:
    page = PAGE.read_text()
    operations = [
        f"`{method.upper()} {PREFIX}{path}"
        for path, methods in openapi_document()["paths"].items()
        for method in methods
    ]
    assert len(operations) >= 18
    missing = [o for o in operations if o not in page]
    assert missing == []


def test_every_error_code_is_documented() -> None:
    page = PAGE.read_text()
    assert [c for c in CODES.values() if f"`{c}`" not in page] == []


def test_every_operation_has_a_summary_and_documents_its_refusals() -> None:
    for path, methods in openapi_document()["paths"].items():
        for method, operation in methods.items():
            assert operation.get("summary"), f"{method} {path}"
            assert {"401", "403", "404", "422"} <= set(operation["responses"]), f"{method} {path}"
