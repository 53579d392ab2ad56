"""The API's link to the next page keeps the caller's other parameters, encoded."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from bordin.web.api.http import next_link


@dataclass
class _Row:
    id: int


def _request(query: bytes) -> Request:
    return Request(
        {
            "type": "http",
            "scheme": "http",
            "server": ("testserver", 80),
            "path": "/api/v1/episodes",
            "query_string": query,
            "headers": [],
        }
    )


def test_the_next_link_carries_the_other_parameters_encoded_and_a_new_cursor() -> None:
    link = next_link(_request(b"limit=1&after=3&tag=a%26b+c"), [_Row(7)], 1, lambda r: r.id)
    assert link == "/api/v1/episodes?after=7&limit=1&tag=a%26b+c"


def test_the_last_page_has_no_next_link() -> None:
    assert next_link(_request(b"limit=2"), [_Row(7)], 2, lambda r: r.id) is None
