"""The supervision read model: supervisees' counts, urgency order, filtering, and concerns for
the clinical lead only. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bordin.domain.access import Actor, Role
from bordin.domain.errors import NotFound
from bordin.reports.read.supervision import concern_digest, supervision_overview
from bordin.services import users as user_service
from bordin.services.concerns import raise_concern
from bordin.services.runtime import Runtime
from bordin.services.session_view import acknowledge_signal
from bordin.storage.tables import SignalRow, UserRow
from tests.fixtures.cast import PASSWORD, Cast
from tests.integration.reports.helpers import put_signals, signal


def _alice_and_bob_signals(db: Session, rt: Runtime, cast: Cast) -> None:
    put_signals(
        db,
        rt,
        cast.ash_episode.id,
        signal(
            cast.ash_episode.id, "rupture", severity="routine", status="open", client_id=cast.ash.id
        ),
        signal(cast.ash_episode.id, "not_on_track", severity="high", client_id=cast.ash.id),
    )
    put_signals(
        db,
        rt,
        cast.couple_episode.id,
        signal(cast.couple_episode.id, "split_alliance", severity="high"),
        signal(cast.couple_episode.id, "split_widening", severity="routine"),
        signal(
            cast.couple_episode.id,
            "rupture_unrepaired",
            status="unrepaired",
            client_id=cast.birch.id,
        ),
    )


def _second_supervisor(db: Session, rt: Runtime, cast: Cast, *, supervises_bob: bool) -> UserRow:
    """Another supervisor, not the clinical lead; optionally Bob's supervisor instead of Sue."""
    other = user_service.add_user(
        db,
        rt,
        practice_id=cast.practice.id,
        username="vic",
        email="vic@example.org",
        display_name="Vic Supervisor",
        role="supervisor",
        password=PASSWORD,
    )
    if supervises_bob:
        bob = db.get(UserRow, cast.bob.id)
        assert bob is not None
        bob.supervisor_id = other.id  # set-up only: no service reassigns supervisors yet
        db.commit()
    return other


def test_the_supervisor_sees_each_supervisees_counts(db: Session, rt: Runtime, cast: Cast) -> None:
    _alice_and_bob_signals(db, rt, cast)
    overview = supervision_overview(db, cast.actor(cast.sue), now=rt.now())
    alice, bob = overview.supervisees
    assert alice.display_name == "Alice Therapist"
    assert (alice.active_episodes, alice.active_clients, alice.needs_attention) == (2, 3, 2)
    assert (alice.open_ruptures, alice.unrepaired_ruptures) == (1, 1)
    assert (alice.not_on_track, alice.split_alliance, alice.risk) == (1, 1, 0)
    assert alice.urgency == "high"
    assert (bob.active_episodes, bob.needs_attention, bob.urgency) == (1, 0, "none")
    assert overview.totals["needs_attention"] == 2


def test_the_flagged_episodes_link_to_their_clients_and_give_the_reasons(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _alice_and_bob_signals(db, rt, cast)
    alice = supervision_overview(db, cast.actor(cast.sue), now=rt.now()).supervisees[0]
    couple = next(f for f in alice.flagged if f.kind == "couple")
    assert [c.client_id for c in couple.clients] == [cast.birch.id, cast.cedar.id]
    assert couple.types == {"split_alliance", "split_widening", "rupture_unrepaired"}
    assert couple.reasons[0].severity == "high"  # most severe first
    assert couple.next_session is not None  # the cast books a fifth session


def test_supervisees_are_listed_by_urgency_not_by_name(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _alice_and_bob_signals(db, rt, cast)
    put_signals(
        db,
        rt,
        cast.dale_episode.id,
        signal(
            cast.dale_episode.id, "risk", severity="urgent", status="open", client_id=cast.dale.id
        ),
    )
    overview = supervision_overview(db, cast.actor(cast.sue), now=rt.now())
    assert [s.display_name for s in overview.supervisees] == ["Bob Therapist", "Alice Therapist"]
    assert overview.supervisees[0].risk == 1
    assert [name for _, name in overview.choices] == ["Alice Therapist", "Bob Therapist"]


def test_good_news_and_resolved_signals_do_not_need_attention(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    put_signals(
        db,
        rt,
        cast.ash_episode.id,
        signal(cast.ash_episode.id, "recovery", severity="routine", client_id=cast.ash.id),
        signal(cast.ash_episode.id, "rupture_repaired", severity="routine", status="repaired"),
        signal(cast.ash_episode.id, "not_on_track", status="resolved", client_id=cast.ash.id),
    )
    alice = supervision_overview(db, cast.actor(cast.sue), now=rt.now()).supervisees[0]
    assert alice.display_name == "Alice Therapist"
    assert (alice.needs_attention, alice.not_on_track, alice.flagged) == (0, 0, ())


def test_a_signal_discussed_with_the_client_still_counts_and_is_marked(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    put_signals(
        db,
        rt,
        cast.ash_episode.id,
        signal(cast.ash_episode.id, "not_on_track", client_id=cast.ash.id),
    )
    row = db.scalars(select(SignalRow).where(SignalRow.episode_id == cast.ash_episode.id)).one()
    acknowledge_signal(db, rt, actor=cast.actor(cast.alice), signal_id=row.id)
    alice = supervision_overview(db, cast.actor(cast.sue), now=rt.now()).supervisees[0]
    assert alice.not_on_track == 1
    assert alice.flagged[0].reasons[0].discussed is True


def test_the_view_can_be_narrowed_to_one_supervisee(db: Session, rt: Runtime, cast: Cast) -> None:
    overview = supervision_overview(
        db, cast.actor(cast.sue), now=rt.now(), therapist_id=cast.bob.id
    )
    assert [s.therapist_id for s in overview.supervisees] == [cast.bob.id]
    assert overview.selected == cast.bob.id
    assert len(overview.choices) == 2


@pytest.mark.parametrize("who", ["charlie", "adam", "sue"])
def test_narrowing_to_someone_not_supervised_is_not_found(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    with pytest.raises(NotFound):
        supervision_overview(
            db, cast.actor(cast.sue), now=rt.now(), therapist_id=getattr(cast, who).id
        )


@pytest.mark.parametrize("who", ["alice", "adam", "charlie"])
def test_only_supervisors_have_a_supervision_view(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    with pytest.raises(NotFound):
        supervision_overview(db, cast.actor(getattr(cast, who)), now=rt.now())


def test_a_supervisor_sees_only_their_own_supervisees(db: Session, rt: Runtime, cast: Cast) -> None:
    vic = _second_supervisor(db, rt, cast, supervises_bob=True)
    overview = supervision_overview(db, cast.actor(vic), now=rt.now())
    assert [s.therapist_id for s in overview.supervisees] == [cast.bob.id]
    sue = supervision_overview(db, cast.actor(cast.sue), now=rt.now())
    assert [s.therapist_id for s in sue.supervisees] == [cast.alice.id]


def _concern(db: Session, rt: Runtime, cast: Cast, client_id: int, text: str) -> None:
    actor = Actor(practice_id=cast.practice.id, role=Role.CLIENT, client_id=client_id)
    raise_concern(db, rt, text=text, actor=actor)


def test_the_clinical_lead_gets_concern_counts_and_the_latest_few(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    _concern(db, rt, cast, cast.ash.id, "My therapist talked about another client by name.")
    _concern(db, rt, cast, cast.dale.id, "My therapist asked me to lend them money. " * 8)
    digest = concern_digest(db, rt.cipher, cast.actor(cast.sue))
    assert (digest.open_count, digest.total_count) == (2, 2)
    texts = {line.pseudonym: line for line in digest.latest}
    assert texts[cast.ash.pseudonym].excerpt.startswith("My therapist talked about another")
    assert texts[cast.ash.pseudonym].about_name == "Alice Therapist"
    assert texts[cast.dale.pseudonym].excerpt.endswith("…")
    assert len(texts[cast.dale.pseudonym].excerpt) <= 160


def test_concern_counts_leave_out_handled_ones_from_the_open_count(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    from bordin.services.concerns import mark_handled
    from bordin.storage.tables import ConcernRow

    _concern(db, rt, cast, cast.ash.id, "My therapist shared what I said with my employer.")
    concern = db.scalars(select(ConcernRow)).one()
    mark_handled(db, rt, actor=cast.actor(cast.sue), concern_id=concern.id)
    digest = concern_digest(db, rt.cipher, cast.actor(cast.sue))
    assert (digest.open_count, digest.total_count, digest.latest) == (0, 1, ())


@pytest.mark.parametrize("who", ["alice", "bob", "adam", "vic"])
def test_nobody_but_the_clinical_lead_gets_concerns(
    db: Session, rt: Runtime, cast: Cast, who: str
) -> None:
    people = {"vic": _second_supervisor(db, rt, cast, supervises_bob=False)} if who == "vic" else {}
    _concern(db, rt, cast, cast.ash.id, "My therapist shared what I said with my employer.")
    user = people.get(who) or getattr(cast, who)
    with pytest.raises(NotFound):
        concern_digest(db, rt.cipher, cast.actor(user))


def test_a_long_concern_is_cut_at_a_word_with_an_ellipsis_never_mid_word(
    db: Session, rt: Runtime, cast: Cast
) -> None:
    words = "my therapist kept talking about their own holidays and weekend plans " * 4
    _concern(db, rt, cast, cast.ash.id, words.strip())
    (line,) = concern_digest(db, rt.cipher, cast.actor(cast.sue)).latest
    assert line.excerpt.endswith("…") and len(line.excerpt) <= 160
    kept = line.excerpt.removesuffix("…").split()
    assert kept == words.split()[: len(kept)]
