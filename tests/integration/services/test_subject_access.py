"""Subject access (issue 14): a client's whole record, for the client, the admin and the lead.

Ash sends feedback with words and a concern; the export must hold them opened, with the scores,
in data.json and in a FHIR R4B Bundle that fhir.resources accepts. Cedar's words never appear
in Birch's export (a couple's partner's words are theirs). Only the admin, the clinical lead and
the client themselves may export; every export is audited with its form.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.errors import InvalidInput, NotFound
from bordin.services import alerts, feedback
from bordin.services import subject_access as sar
from bordin.services.practice import add_client
from bordin.services.runtime import Runtime
from bordin.services.ruptures import log_rupture, record_repair
from bordin.services.users import actor_for_client
from bordin.storage.tables import AuditEventRow
from tests.fixtures.cast import Cast
from tests.integration.services.test_feedback import issue, last_attended, sac

WORDS = "I felt rushed at the end and did not say what I wanted to."
CONCERN = "The receptionist read my name out loud in the waiting room."


def _archive(export: sar.Export) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def _ash_sends_feedback(db: Session, rt: Runtime, cast: Cast) -> None:
    token = issue(db, rt, last_attended(cast))[cast.ash.id]
    feedback.submit_feedback(db, rt, token=token, answers=sac(), text=WORDS, concern_text=CONCERN)


def test_the_archive_holds_the_clients_words_opened_their_answers_and_a_valid_fhir_bundle(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _ash_sends_feedback(db, rt, cast)
    export = sar.export_client(
        db, rt, actor=cast.actor(cast.adam), client_id=cast.ash.id, form="archive"
    )
    assert export.media_type == "application/zip"
    files = _archive(export)
    assert set(files) == {"data.json", "fhir-bundle.json", "summary.html"}
    data = json.loads(files["data.json"])
    tables = data["tables"]
    assert tables["clients"][0]["display_name"] == cast.ash.display_name
    assert [s["text"] for s in tables["feedback_submissions"]] == [WORDS]
    assert [c["text"] for c in tables["concerns"]] == [CONCERN]
    assert [a["instrument_id"] for a in tables["administrations"]] == ["bordin_sac"]
    assert len(tables["appointments"]) == len(cast.ash_sessions)
    assert tables["consents"] and tables["episodes"] and tables["feedback_links"]
    columns = {key for rows in tables.values() for row in rows for key in row}
    assert not columns & {"token_hash", "csrf_token"}
    assert "feedback_links.token_hash" in data["left_out"]["columns"]

    bundle = Bundle.model_validate(json.loads(files["fhir-bundle.json"]))
    kinds = [e.resource.get_resource_type() for e in bundle.entry or []]
    assert kinds == ["Patient", "QuestionnaireResponse", "Observation"]
    patient = json.loads(files["fhir-bundle.json"])["entry"][0]["resource"]
    assert patient["name"][0]["text"] == cast.ash.display_name
    observation = json.loads(files["fhir-bundle.json"])["entry"][2]["resource"]
    assert observation["valueQuantity"]["value"] == tables["administrations"][0]["total"]


def test_a_partners_words_and_answers_stay_out_of_the_other_partners_export(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    tokens = issue(db, rt, last_attended(cast, couple=True))
    feedback.submit_feedback(db, rt, token=tokens[cast.birch.id], answers=sac(), text="Birch here")
    feedback.submit_feedback(db, rt, token=tokens[cast.cedar.id], answers=sac(), text="Cedar here")
    files = _archive(
        sar.export_client(
            db, rt, actor=actor_for_client(cast.birch), client_id=cast.birch.id, form="archive"
        )
    )
    everything = "\n".join(files.values())
    assert "Birch here" in everything
    assert "Cedar here" not in everything
    assert cast.cedar.display_name not in everything
    data = json.loads(files["data.json"])["tables"]
    assert {a["client_id"] for a in data["administrations"]} == {cast.birch.id}
    assert len(data["appointments"]) == len(cast.couple_sessions)  # the shared sessions


@pytest.mark.parametrize("who", ["adam", "sue", "ash"])
def test_the_admin_the_clinical_lead_and_the_client_themselves_may_export(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    actor = actor_for_client(cast.ash) if who == "ash" else cast.actor(getattr(cast, who))
    export = sar.export_client(db, rt, actor=actor, client_id=cast.ash.id, form="html")
    assert cast.ash.display_name in export.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "cedar", "zed"])
def test_therapists_other_clients_and_other_practices_are_told_the_client_does_not_exist(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    person = getattr(cast, who)
    actor = actor_for_client(person) if who in ("cedar", "zed") else cast.actor(person)
    with pytest.raises(NotFound):
        sar.export_client(db, rt, actor=actor, client_id=cast.ash.id, form="archive")
    assert not list(db.scalars(select(AuditEventRow).where(AuditEventRow.action == "export")))


def test_the_admin_of_another_practice_cannot_export_and_a_missing_client_is_not_found(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    with pytest.raises(NotFound):
        sar.export_client(db, rt, actor=cast.actor(cast.adam), client_id=cast.zed.id, form="pdf")
    with pytest.raises(NotFound):
        sar.export_client(db, rt, actor=cast.actor(cast.adam), client_id=999_999, form="pdf")


def test_every_export_is_audited_with_who_which_client_and_which_form(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    sar.export_client(db, rt, actor=cast.actor(cast.sue), client_id=cast.dale.id, form="pdf")
    sar.export_from_command_line(db, rt, client_id=cast.dale.id, form="archive")
    events = list(
        db.scalars(
            select(AuditEventRow).where(AuditEventRow.action == "export").order_by(AuditEventRow.id)
        )
    )
    assert [
        (e.actor_label, e.entity, e.entity_id, e.client_id, e.practice_id, e.origin) for e in events
    ] == [
        (f"user:{cast.sue.id}", "subject_access", "pdf", cast.dale.id, cast.practice.id, None),
        ("system", "subject_access", "archive", cast.dale.id, cast.practice.id, "cli"),
    ]
    assert not any(cast.dale.display_name in json.dumps(e.detail) for e in events)


def test_the_readable_summary_names_measures_and_people_in_words_and_the_pdf_is_a_pdf(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _ash_sends_feedback(db, rt, cast)
    actor = actor_for_client(cast.ash)
    html = sar.export_client(db, rt, actor=actor, client_id=cast.ash.id, form="html")
    text = html.content.decode()
    assert "Bordin session alliance check" in text or "alliance" in text.lower()
    assert "bordin_sac" not in text
    assert cast.alice.display_name in text  # the therapist, by name
    assert WORDS in text and CONCERN in text
    pdf = sar.export_client(db, rt, actor=actor, client_id=cast.ash.id, form="pdf")
    assert pdf.content.startswith(b"%PDF") and pdf.filename.endswith(".pdf")


def test_an_unknown_form_is_refused_naming_the_field(db: Session, rt: Runtime, cast: Cast) -> None:
    with pytest.raises(InvalidInput) as refused:
        sar.export_client(db, rt, actor=cast.actor(cast.adam), client_id=cast.ash.id, form="xml")
    assert "format" in str(refused.value) and "xml" in str(refused.value)


def test_a_notice_about_a_couples_episode_as_a_whole_is_in_both_partners_exports_only(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    alerts.raise_alert(
        db,
        rt,
        recipient_user_id=cast.alice.id,
        kind="signal:alliance_drop",
        severity="routine",
        summary="The couple's alliance ratings dropped at session 2.",
        detail={"episode_id": cast.couple_episode.id},
    )
    alerts.raise_alert(
        db,
        rt,
        recipient_user_id=cast.alice.id,
        kind="signal:alliance_drop",
        severity="routine",
        summary="Another episode's notice.",
        detail={"episode_id": cast.ash_episode.id},
    )
    db.commit()

    def summaries(client_id: int) -> list[str]:
        export = sar.export_client(
            db, rt, actor=cast.actor(cast.adam), client_id=client_id, form="archive"
        )
        return [a["summary"] for a in json.loads(_archive(export)["data.json"])["tables"]["alerts"]]

    couple = ["The couple's alliance ratings dropped at session 2."]
    assert summaries(cast.birch.id) == couple
    assert summaries(cast.cedar.id) == couple
    assert summaries(cast.ash.id) == ["Another episode's notice."]
    assert summaries(cast.dale.id) == []


def test_the_archive_holds_the_therapists_rupture_and_repair_notes_opened(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    alice = cast.actor(cast.alice)
    logged = log_rupture(
        db,
        rt,
        actor=alice,
        appointment_id=cast.ash_sessions[1].id,
        rupture_type="withdrawal",
        markers=["minimal_response"],
        strategies=["invite_discussion"],
        resolved="partly",
        client_id=cast.ash.id,
        note="Went quiet after the homework review.",
    )
    record_repair(
        db,
        rt,
        actor=alice,
        rupture_id=logged.id,
        appointment_id=cast.ash_sessions[3].id,
        resolved="yes",
        note="We named the quiet together.",
    )
    files = _archive(
        sar.export_client(
            db, rt, actor=cast.actor(cast.adam), client_id=cast.ash.id, form="archive"
        )
    )
    (row,) = json.loads(files["data.json"])["tables"]["rupture_logs"]
    assert row["note"] == "Went quiet after the homework review."
    assert row["repair_note"] == "We named the quiet together."
    assert "Went quiet after the homework review." in files["summary.html"]
    assert "the strain was worked through" in files["summary.html"]
    assert "We named the quiet together." in files["summary.html"]


def test_finding_a_client_by_name_matches_what_was_typed_percent_and_underscore_included(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    for name in ("Rowan O_Neill", "Rowan ORNeill", "Sam 100% Sure", "Sam 1000 Sure"):
        add_client(db, rt, practice_id=cast.practice.id, display_name=name)
    admin = cast.actor(cast.adam)

    def found(typed: str) -> list[str]:
        return [c.name for c in sar.exportable_clients(db, rt, admin, name=typed).clients]

    assert found("o_n") == ["Rowan O_Neill"]
    assert found("100%") == ["Sam 100% Sure"]
    assert set(found("ROWAN")) == {"Rowan O_Neill", "Rowan ORNeill"}


def test_the_clients_come_fifty_at_a_time_by_name_and_only_those_shown_are_audited(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    for number in range(120):
        add_client(db, rt, practice_id=cast.practice.id, display_name=f"Page Test {number:03d}")
    admin = cast.actor(cast.adam)
    on_the_last_page = len(sar.exportable_clients(db, rt, admin, page=99).clients)  # past the end
    everyone = sar.exportable_clients(db, rt, admin)
    assert everyone.total > 120 and len(everyone.clients) == sar.CLIENTS_PER_PAGE
    assert (everyone.page, everyone.first, everyone.last) == (1, 1, 50)

    found = sar.exportable_clients(db, rt, admin, name="page test", page=3)

    assert (found.page, found.pages, found.total) == (3, 3, 120)
    assert [c.name for c in found.clients] == [f"Page Test {n:03d}" for n in range(100, 120)]
    assert (found.first, found.last) == (101, 120)
    assert on_the_last_page == everyone.total - (everyone.pages - 1) * sar.CLIENTS_PER_PAGE
    viewed = db.scalars(
        select(AuditEventRow)
        .where(AuditEventRow.entity == "data_requests")
        .order_by(AuditEventRow.id.desc())
    ).first()
    assert viewed is not None and viewed.detail is not None
    assert sorted(viewed.detail["client_ids"]) == sorted(c.client_id for c in found.clients)


def test_a_page_below_one_is_refused_naming_the_field(db: Session, rt: Runtime, cast: Cast) -> None:
    with pytest.raises(InvalidInput) as refused:
        sar.exportable_clients(db, rt, cast.actor(cast.adam), page=0)
    assert refused.value.errors[0].field == "page"
