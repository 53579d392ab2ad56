"""Inputs are checked: bad histories and bad settings say which field and what is wrong."""

from __future__ import annotations

import pytest

from bordin.domain.alliance import EpisodeHistory, SignalConfig
from bordin.domain.errors import InvalidInput

from .builders import flat_sac, sac


def test_a_couple_needs_two_different_clients() -> None:
    with pytest.raises(InvalidInput) as error:
        EpisodeHistory("e", "couple", ("a", "a"))
    assert error.value.errors[0].field == "client_ids"


def test_a_rating_by_someone_outside_the_episode_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        EpisodeHistory("e", "individual", ("a",), ratings=tuple(flat_sac("b", [30])))
    assert str(error.value) == "ratings[0].client_id: 'b' is not in client_ids"


def test_two_ratings_of_the_same_measure_for_one_session_are_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        EpisodeHistory(
            "e", "individual", ("a",), ratings=(sac("a", 1, 9, 9, 9, 9), sac("a", 1, 8, 8, 8, 8))
        )
    assert "a second bordin_sac rating for session 1" in str(error.value)


def test_settings_that_make_no_sense_are_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        SignalConfig(specific_sd=0.5, min_prior_sessions=1, repair_window=0)
    fields = {e.field for e in error.value.errors}
    assert fields == {"specific_sd", "min_prior_sessions", "repair_window"}


def test_negative_thresholds_are_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        SignalConfig(min_drop_fraction=-0.1)
    assert error.value.errors[0].field == "min_drop_fraction"
