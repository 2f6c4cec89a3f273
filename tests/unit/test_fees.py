"""The government fee for the answers given, from each service's fee rules.

The cases are ``schemas/examples/fees.json``, which the browser's evaluator
(``pwa/src/fees.js``) is tested on too: the same answers on the same day give the same
lines and total on the server and in the web app.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

import pytest

from chalicelib.catalog_files import load_catalog
from chalicelib.domain.catalog import Catalog, Service
from chalicelib.domain.fees import FeeQuote, quote, taka, to_poisha
from devtools.catalog_build import DEFAULT_OUT
from tests.helpers import EXAMPLES

CASES = json.loads((EXAMPLES / "fees.json").read_text(encoding="utf-8"))["cases"]


@cache
def catalog() -> Catalog:
    return load_catalog(DEFAULT_OUT)


def service(service_id: str) -> Service:
    return catalog().service(service_id)


def fee_of(service_id: str, form: dict[str, Any], on: str) -> FeeQuote:
    return quote(service(service_id), form, on=date.fromisoformat(on))


@pytest.mark.parametrize("case", CASES, ids=[case["title"] for case in CASES])
def test_the_fee_for_the_answers_is_the_one_the_table_gives(case: dict[str, Any]) -> None:
    # GIVEN a service's answers on a day WHEN the fee is quoted
    found = fee_of(case["service"], case["form"], case["on"])

    # THEN the rows, their amounts and the total are the table's
    assert [(line.row, line.amount_poisha) for line in found.lines] == [
        (line["row"], line["amount_poisha"]) for line in case["lines"]
    ]
    assert found.total_poisha == case["total_poisha"]
    if "awaiting" in case:
        assert list(found.awaiting) == case["awaiting"]


def test_every_service_in_the_table_exists() -> None:
    assert {case["service"] for case in CASES} <= set(catalog().entries)


def test_amounts_are_integers_and_the_api_gets_taka_as_text() -> None:
    found = fee_of("epassport-new", {"pages": "48", "validity_years": "5",
                                     "delivery_type": "REGULAR"}, "2026-12-01")
    body = found.to_dict()

    assert body["total_poisha"] == 402500 and isinstance(body["total_poisha"], int)
    assert body["total_bdt"] == "4025.00"
    assert body["lines"][0]["label"]["bn"] == "৪৮ পৃষ্ঠা, ৫ বছর, নিয়মিত"
    assert body["confirmed"] is True
    assert not any(isinstance(value, float) for value in _leaves(body))


def test_the_service_charge_cap_is_said_unknown_where_no_source_sets_it() -> None:
    found = fee_of("police-clearance", {}, "2026-12-01")

    assert found.service_charge_cap_poisha is None
    assert found.service_charge_cap_confirmed is False
    assert found.to_dict()["service_charge_cap_bdt"] is None


def test_a_service_without_fee_rules_quotes_nothing_as_known() -> None:
    found = fee_of("trade-licence-new", {"issuing_authority": "POURASHAVA"}, "2026-12-01")

    assert found.lines == ()
    assert found.total_poisha is None
    assert found.awaiting == ()


@pytest.mark.parametrize(("taka_amount", "poisha"), [(12.5, 1250), (4025, 402500), (0, 0),
                                                     (None, None), (0.1, 10)])
def test_taka_in_a_service_file_become_exact_poisha(taka_amount: Any, poisha: Any) -> None:
    assert to_poisha(taka_amount) == poisha


def test_poisha_become_taka_text_with_two_decimals() -> None:
    assert [taka(126250), taka(5), taka(0), taka(None)] == ["1262.50", "0.05", "0.00", None]


def test_an_amount_finer_than_a_poisha_is_refused() -> None:
    with pytest.raises(ValueError, match="poisha"):
        to_poisha(0.125)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


@pytest.mark.parametrize(("delivery", "days"), [("REGULAR", 15), ("EXPRESS", 7),
                                                ("SUPER_EXPRESS", 2), (None, 15)])
def test_the_time_limit_follows_the_delivery_chosen(delivery: str | None, days: int) -> None:
    form = {"delivery_type": delivery} if delivery else {}

    assert service("epassport-new").sla_working_days_for(form) == days
