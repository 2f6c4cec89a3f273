"""One table maps every error type to its status; every body is bilingual and names fields."""

from __future__ import annotations

import json

import pytest

from chalicelib.api.errors import STATUS, error_response, status_of
from chalicelib.domain import errors
from chalicelib.domain.messages import ERRORS, FIELD_ERRORS, Text

CASES = [
    (errors.BadRequest("malformed_json"), 400),
    (errors.NotFound("service_not_found"), 404),
    (errors.MethodNotAllowed("method_not_allowed"), 405),
    (errors.Conflict("idempotency_key_reused"), 409),
    (errors.IllegalTransition("concurrent_update"), 409),
    (errors.ConcurrentUpdate("concurrent_update"), 409),
    (errors.PayloadTooLarge("payload_too_large", values={"limit_kb": 256}), 413),
    (errors.UnsupportedMediaType("unsupported_media_type"), 415),
    (errors.ValidationFailed("validation_failed"), 422),
    (errors.ServiceUnavailable("service_unavailable"), 503),
    (errors.NagorikError("internal_error"), 500),
]


@pytest.mark.parametrize(("error", "status"), CASES, ids=str)
def test_each_error_type_has_its_status_and_a_bilingual_body(error, status) -> None:
    response = error_response(error)
    body = json.loads(response.body)

    assert response.status_code == status_of(error) == status
    assert set(body) == {"code", "message_bn", "message_en", "fields"}
    assert any("\u0980" <= char <= "\u09ff" for char in body["message_bn"])
    assert body["message_en"]


def test_every_mapped_type_is_an_error_of_the_hierarchy() -> None:
    assert all(issubclass(kind, errors.NagorikError) for kind in STATUS)


def test_field_problems_name_the_field_in_both_languages() -> None:
    problem = errors.FieldProblem.of("form.nid", "nid", Text("জাতীয় পরিচয়পত্র নম্বর", "NID number"))
    body = errors.ValidationFailed("validation_failed", fields=[problem]).to_body()
    field = body["fields"][0]
    assert field["path"] == "form.nid" and field["code"] == "nid"
    assert "জাতীয় পরিচয়পত্র নম্বর" in field["message_bn"] and "NID number" in field["message_en"]


def test_every_message_exists_in_both_languages() -> None:
    for table in (ERRORS, FIELD_ERRORS):
        for code, text in table.items():
            assert text.bn and text.en, code
            assert any("\u0980" <= char <= "\u09ff" for char in text.bn), code


def test_an_unknown_code_still_gives_a_message() -> None:
    body = errors.NagorikError("no_such_code").to_body()
    assert body["message_en"] == ERRORS["internal_error"].en
