"""docs/demo-practice.md is complete and current."""

from __future__ import annotations

from pathlib import Path

from bordin.demo import doc, generate_demo_practice
from bordin.demo.params import parameter_rows

PAGE = Path(__file__).parents[3] / "docs" / "demo-practice.md"


def test_the_generated_part_of_the_page_is_current() -> None:
    committed = doc.extract_section(PAGE.read_text(encoding="utf-8"))
    assert committed == doc.current_section(), (
        "docs/demo-practice.md is out of date: run "
        ".venv/bin/python -m bordin.demo.doc docs/demo-practice.md"
    )


def test_the_page_names_every_parameter_and_staff_username() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for name, _, _ in parameter_rows():
        assert f"`{name}`" in page
    practice = generate_demo_practice(seed=doc.DOC_SEED, today=doc.DOC_TODAY)
    for person in practice.staff:
        assert f"`{person.username}`" in page


def test_the_page_says_everyone_is_synthetic() -> None:
    assert "Everyone in it is synthetic" in PAGE.read_text(encoding="utf-8")


def test_replacing_the_section_keeps_the_hand_written_text() -> None:
    document = f"intro\n{doc.BEGIN}\nold\n{doc.END}\noutro\n"
    replaced = doc.replace_section(document, "new\n")
    assert replaced == f"intro\n{doc.BEGIN}\nnew\n{doc.END}\noutro\n"
    assert doc.extract_section(replaced) == "new\n"
