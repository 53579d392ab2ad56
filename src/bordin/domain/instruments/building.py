"""Small helpers the instrument modules use to write their definitions briefly."""

from __future__ import annotations

from collections.abc import Sequence

from bordin.domain.instruments.base import LOINC, Item, Option

#: LOINC answer list LL358-3 (PHQ-9 and GAD-7 frequency answers): code → value.
LL358_3: tuple[tuple[str, int], ...] = (
    ("LA6568-5", 0),
    ("LA6569-3", 1),
    ("LA6570-1", 2),
    ("LA6571-9", 3),
)

#: LOINC answer list LL359-1 (the PHQ difficulty question): code → position 0–3.
LL359_1: tuple[tuple[str, int], ...] = (
    ("LA6572-7", 0),
    ("LA6573-5", 1),
    ("LA6574-3", 2),
    ("LA6575-0", 3),
)


def coded_options(answer_list: Sequence[tuple[str, int]]) -> tuple[Option, ...]:
    """Options with LOINC answer codes and no labels (labels come with imported wording)."""
    return tuple(Option(value=value, code=code, system=LOINC) for code, value in answer_list)


def plain_options(low: int, high: int) -> tuple[Option, ...]:
    """Options that are just the whole numbers ``low``..``high``."""
    return tuple(Option(value=value) for value in range(low, high + 1))


def numbered_items(
    count: int,
    *,
    low: int,
    high: int,
    link_prefix: str = "q",
    codes: Sequence[str | None] | None = None,
    options: tuple[Option, ...] | None = None,
    reverse: Sequence[int] = (),
    risk: Sequence[int] = (),
    required: bool = True,
    dimensions: dict[int, str] | None = None,
    topics: Sequence[str] | None = None,
) -> tuple[Item, ...]:
    """Items ``q1``..``qN`` on one scale; item numbers in ``reverse``/``risk`` are 1-based."""
    items = []
    for number in range(1, count + 1):
        code = codes[number - 1] if codes else None
        items.append(
            Item(
                link_id=f"{link_prefix}{number}",
                number=number,
                min_value=low,
                max_value=high,
                code=code,
                code_system=LOINC if code else None,
                options=options if options is not None else plain_options(low, high),
                reverse=number in reverse,
                risk=number in risk,
                required=required,
                dimension=(dimensions or {}).get(number),
                topic=topics[number - 1] if topics else None,
            )
        )
    return tuple(items)
