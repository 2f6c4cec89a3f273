"""Hostile input: every case is a clear bilingual 4xx, nothing is stored, and no answer is
larger than the request (or a small fixed floor)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.store.models import ApplicationModel
from tests.helpers import JSON, ROOT, example, get_json, post_json, submission

BRN = "birth-registration-new"
PHONE = "+8801712345678"


def raw_post(client: Any, path: str, raw: str | bytes, **headers: str) -> Any:
    response = client.http.post(path, headers={**JSON, **headers}, body=raw)
    response.json = json.loads(response.body) if response.body else None
    return response


def nothing_stored() -> bool:
    return list(ApplicationModel.by_applicant.query(PHONE)) == []


def assert_bilingual_4xx(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.body[:500]
    body = response.json
    assert body["message_bn"] and body["message_en"]
    for problem in body["fields"]:
        assert problem["message_bn"] and problem["message_en"] and problem["path"]
    return body


def birth_body(**form_changes: Any) -> dict[str, Any]:
    form = {**example(BRN, "valid-newborn"), **form_changes}
    return submission(BRN, form)


def test_a_body_nested_twenty_thousand_deep_is_refused_not_a_500(citizen) -> None:
    raw = '{"a":' * 20_000 + "1" + "}" * 20_000  # about 100 KB
    body = assert_bilingual_4xx(raw_post(citizen, "/applications", raw,
                                         **{"Idempotency-Key": "hostile-0001"}), 400)
    assert body["code"] == "body_too_deep"
    assert nothing_stored()


def test_moderate_nesting_beyond_any_form_is_refused_before_validation(citizen) -> None:
    body = birth_body()
    node: dict[str, Any] = body["form"]
    for _ in range(40):
        node["deeper"] = {}
        node = node["deeper"]
    response = post_json(citizen, "/applications", body, **{"Idempotency-Key": "hostile-0002"})
    assert assert_bilingual_4xx(response, 400)["code"] == "body_too_deep"
    assert nothing_stored()


def test_thousands_of_bad_list_entries_get_a_short_answer(citizen) -> None:
    raw = json.dumps(birth_body(documents=[f"not-a-document-{n}" for n in range(9000)]))
    assert 200_000 < len(raw) < 256 * 1024
    response = raw_post(citizen, "/applications", raw, **{"Idempotency-Key": "hostile-0003"})
    body = assert_bilingual_4xx(response, 422)
    assert len(body["fields"]) <= 50
    assert body["fields_omitted"] >= 9000 - 50
    assert len(response.body) < len(raw)
    assert nothing_stored()


def test_nine_thousand_unknown_keys_get_a_short_answer(citizen) -> None:
    body = birth_body(**{f"unknown_{n:05d}": "x" for n in range(9_000)})
    raw = json.dumps(body)
    response = raw_post(citizen, "/applications", raw, **{"Idempotency-Key": "hostile-0004"})
    answer = assert_bilingual_4xx(response, 422)
    assert len(answer["fields"]) <= 50 and answer["fields_omitted"] > 8_000
    assert len(response.body) < len(raw)


def test_a_small_request_gets_an_error_no_larger_than_the_floor(citizen) -> None:
    # Every field of the longest form missing: the answer is cut to 8 KB
    form = {"declaration": False}
    schema = ROOT / "schemas" / "services" / "epassport-new.json"
    body = submission("epassport-new", form, version=json.loads(schema.read_text())["version"])
    response = post_json(citizen, "/applications", body, **{"Idempotency-Key": "hostile-0005"})
    answer = assert_bilingual_4xx(response, 422)
    assert len(response.body) <= 8 * 1024
    assert answer["fields"]


@pytest.mark.parametrize("value", ["NaN", "nan", "Infinity", "-inf", "1e999", "১e৯৯৯"])
def test_a_number_field_refuses_text_that_is_not_a_finite_number(value: str, citizen) -> None:
    response = post_json(citizen, "/applications", birth_body(birth_order=value),
                         **{"Idempotency-Key": f"hostile-nan-{value.encode().hex()}"})
    body = assert_bilingual_4xx(response, 422)
    assert [problem["path"] for problem in body["fields"]] == ["form.birth_order"]
    assert nothing_stored()


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_bare_non_finite_numbers_are_refused_by_field(token: str, citizen) -> None:
    raw = json.dumps(birth_body(birth_order=0))
    raw = raw.replace('"birth_order": 0', f'"birth_order": {token}')
    response = raw_post(citizen, "/applications", raw,
                        **{"Idempotency-Key": f"hostile-bare-{token.encode().hex()}"})
    body = assert_bilingual_4xx(response, 422)
    assert [(p["path"], p["code"]) for p in body["fields"]] == [("form.birth_order", "not_finite")]
    assert nothing_stored()


@pytest.mark.parametrize("header", ["9" * 5000, "²", "١", "abc", '"1" "2"'])
def test_a_malformed_if_match_is_a_400_not_a_500(header: str, police_officer) -> None:
    response = post_json(police_officer, "/applications/4726112886228778/decisions",
                         {"decision": "approve"}, **{"If-Match": header})
    assert assert_bilingual_4xx(response, 400)["code"] == "header_invalid"


@pytest.mark.parametrize("digits", [
    "٠١٧١٢٣٤٥٦٧٨",  # Arabic-Indic
    "۰۱۷۱۲۳۴۵۶۷۸",  # Extended Arabic-Indic
    "०१७१२३४५६७८",  # Devanagari
])
def test_digits_of_other_scripts_are_not_a_phone_number(client, digits: str, citizen) -> None:
    response = post_json(citizen, "/applications", {**birth_body(), "applicant": {
        "name": "রহিম উদ্দিন", "phone": digits}}, **{"Idempotency-Key": "hostile-0006"})
    body = assert_bilingual_4xx(response, 422)
    assert [p["path"] for p in body["fields"]] == ["applicant.phone"]
    tracked = get_json(client, f"/applications/4726112886228778?phone={digits}")
    assert tracked.status_code == 422


def test_an_invalid_applicant_with_a_bangla_version_is_a_422_naming_the_applicant(citizen) -> None:
    body = {**birth_body(), "service_version": "১",
            "applicant": {"name": "রহিম উদ্দিন", "phone": "12345"}}
    response = post_json(citizen, "/applications", body, **{"Idempotency-Key": "hostile-0007"})
    answer = assert_bilingual_4xx(response, 422)
    assert [p["path"] for p in answer["fields"]] == ["applicant.phone"]


def test_names_are_stored_in_one_form_without_invisible_characters(citizen) -> None:
    body = birth_body(first_name_bn="র\u200d্যা\u200bব\u202e", last_name_bn="উদ্দিন")
    body["applicant"]["name"] = "\ufeffরহিম\u2066 উদ্দিন\u2069"
    response = post_json(citizen, "/applications", body, **{"Idempotency-Key": "hostile-0008"})
    assert response.status_code == 201, response.body
    [stored] = ApplicationModel.by_applicant.query(PHONE)
    assert stored.applicant_name == "রহিম উদ্দিন"
    assert stored.form["first_name_bn"] == "র\u200d্যাব"  # the ZWJ of র‍্যাব kept


@pytest.mark.parametrize("text", ["রহিম\x00", "রহিম\x1b[2J", "\ud800রহিম"])
def test_control_characters_and_broken_text_are_refused_by_field(text: str, citizen) -> None:
    body = birth_body(first_name_bn=text)
    raw = json.dumps(body)  # "\ud800" travels as a JSON escape, as an attacker would send it
    response = raw_post(citizen, "/applications", raw, **{"Idempotency-Key": "hostile-0009"})
    answer = assert_bilingual_4xx(response, 422)
    assert ("form.first_name_bn", "control_character") in [
        (p["path"], p["code"]) for p in answer["fields"]]
    assert nothing_stored()


@pytest.mark.parametrize("sent", ["x" * 65, "abc def", "a\r\nX-Injected: 1", "ক-১"])
def test_a_correlation_id_that_is_not_one_is_not_echoed(client, sent: str) -> None:
    response = get_json(client, "/services", **{"X-Correlation-Id": sent})
    assert response.status_code == 200
    assert response.headers.get("X-Correlation-Id") != sent


def test_a_correlation_id_that_is_one_is_echoed(client) -> None:
    response = get_json(client, "/services", **{"X-Correlation-Id": "web-2026-12-01.a1:b2"})
    assert response.headers["X-Correlation-Id"] == "web-2026-12-01.a1:b2"


def test_a_query_parameter_the_route_does_not_take_is_a_400_naming_it(citizen) -> None:
    """A misspelt ``cursor`` would silently restart the list; it is refused instead."""
    response = citizen.http.get("/me/applications?curser=abc")
    body = json.loads(response.body)
    assert response.status_code == 400
    assert body["code"] == "query_invalid"
    [problem] = body["fields"]
    assert problem["path"] == "curser" and problem["code"] == "unknown_parameter"
    assert "curser" in problem["message_bn"] and "curser" in problem["message_en"]
    assert citizen.http.get("/me/applications").status_code == 200


def test_a_route_without_query_parameters_refuses_any(client) -> None:
    response = client.http.get("/categories?x=1")
    assert response.status_code == 400
    assert json.loads(response.body)["fields"][0]["path"] == "x"
    assert client.http.get("/services?q=birth").status_code == 200
