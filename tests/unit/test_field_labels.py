"""Refused input is shown under the words of the form, never under a raw form key."""

from bordin.domain.errors import FieldError
from bordin.web.field_labels import in_words, labelled


def test_a_form_key_without_a_label_is_put_into_words() -> None:
    assert in_words("consent_to_store") == "Consent to store"
    assert in_words("start") == "Start"


def test_a_key_naming_a_record_is_named_by_the_record_not_its_id() -> None:
    assert in_words("therapist_id") == "Therapist"


def test_a_place_in_an_imported_file_is_left_as_it_is() -> None:
    assert in_words("$.item[2].answerOption") == "$.item[2].answerOption"


def test_the_pages_own_label_wins_over_the_key_in_words() -> None:
    errors = [
        FieldError("password", "is too easy to guess"),
        FieldError("display_name", "is empty"),
    ]
    assert labelled(errors, {"password": "Initial password"}) == [
        {"field": "password", "label": "Initial password", "message": "is too easy to guess"},
        {"field": "display_name", "label": "Display name", "message": "is empty"},
    ]
