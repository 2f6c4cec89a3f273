"""A centre's ledger through moto: entries written with their applications, totals that are
the sums of the entries (also when two tablets of one centre submit at once), CSV, and
who may read it."""

from __future__ import annotations

import csv
import io
import threading
from collections import Counter
from typing import Any

import pytest

from tests.helpers import example, get_json, post_json, submission

GD = "online-gd-lost-item"
RECORDED = {"method": "recorded", "reason": "নাগরিকের ফোন নেই"}


@pytest.fixture
def centre(aws) -> str:
    from chalicelib.domain.centres import Centre, CentreType
    from chalicelib.domain.messages import Text
    from chalicelib.store.centres import DynamoCentres

    DynamoCentres().put(Centre(
        id="centre-a", type=CentreType.UDC, name=Text("ক", "A"), division_id="6",
        district_id="47", upazila_id="365", union_id="3272", address=Text("ঠিকানা", "Address"),
        hours=Text("৯–৫", "9–5")))
    return "centre-a"


def assisted_body(charge: float, method: str = "cash", phone: str = "01812345678",
                  ) -> dict[str, Any]:
    payment: dict[str, Any] = {"method": method, "service_charge_bdt": charge}
    if method == "mfs":
        payment.update(mfs_provider="Nagad", mfs_reference="TX12345")
    return {**submission(GD, example(GD, "valid-lost-nid"), phone=phone),
            "consent": RECORDED, "payment": payment}


@pytest.fixture
def tablets(as_role, centre) -> list[Any]:
    return [as_role("entrepreneur", centre_id=centre, phone=f"+88019000000{n}",
                    id=f"u-test-tablet-{n}") for n in (30, 31)]


def sums(entries: list[dict[str, Any]]) -> dict[str, int]:
    return {"applications": len(entries),
            "fees": sum(entry["fee_poisha"] or 0 for entry in entries),
            "service_charges": sum(entry["service_charge_poisha"] for entry in entries)}


def shown(totals: dict[str, Any]) -> dict[str, int]:
    return {"applications": totals["applications"], "fees": totals["fees"]["poisha"],
            "service_charges": totals["service_charges"]["poisha"]}


def test_the_days_entries_and_totals(tablets, as_role, centre) -> None:
    # GIVEN three applications at the centre: two in cash, one by mobile banking
    made = [post_json(tablets[0], "/applications", assisted_body(charge, method),
                      **{"Idempotency-Key": f"ledger-{n:04d}"})
            for n, (charge, method) in enumerate([(20, "cash"), (30.5, "cash"), (50, "mfs")])]
    assert [answer.status_code for answer in made] == [201, 201, 201]
    # WHEN the entrepreneur reads today's ledger
    ledger = get_json(tablets[1], f"/centres/{centre}/ledger")
    assert ledger.status_code == 200, ledger.json
    entries = ledger.json["entries"]
    # THEN it has each application once, with its charge and method
    assert sorted(entry["tracking_id"] for entry in entries) == sorted(
        answer.json["tracking_id"] for answer in made)
    assert sorted(entry["service_charge_poisha"] for entry in entries) == [2000, 3050, 5000]
    # AND the totals are the sums of the entries, overall and by method
    totals = ledger.json["totals"]
    assert shown(totals) == sums(entries)
    assert totals["service_charges"]["bdt"] == "100.50"
    for method in ("cash", "mfs"):
        assert shown(totals["by_method"][method]) == sums(
            [entry for entry in entries if entry["payment_method"] == method])
    assert totals["by_method"]["mfs"]["applications"] == 1
    # AND ops read it too, for the same day, by date
    day = entries[0]["date"]
    by_ops = get_json(as_role("ops", phone="+8801900000001"),
                      f"/centres/{centre}/ledger?date={day}")
    assert by_ops.status_code == 200 and by_ops.json["totals"] == totals


def test_the_ledger_as_csv(tablets, centre) -> None:
    post_json(tablets[0], "/applications", assisted_body(25), **{"Idempotency-Key": "ledger-csv1"})
    response = tablets[0].http.get(f"/centres/{centre}/ledger",
                                   headers={"Authorization": f"Bearer {tablets[0].token}",
                                            "Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.body.decode() if isinstance(
        response.body, bytes) else response.body)))
    assert rows[0][:3] == ["date", "created_at", "tracking_id"]
    assert rows[1][6] == "25.00" and rows[1][7] == "cash"
    assert rows[2][0] == "total" and rows[2][6] == "25.00"


def test_another_centres_entrepreneur_gets_404_and_other_roles_403(
        tablets, as_role, centre) -> None:
    other = as_role("entrepreneur", centre_id="centre-b", phone="+8801900000032")
    foreign = get_json(other, f"/centres/{centre}/ledger")
    unknown = get_json(other, "/centres/no-such-centre/ledger")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json == unknown.json
    assert get_json(as_role("citizen"), f"/centres/{centre}/ledger").status_code == 403
    ops = as_role("ops", phone="+8801900000001")
    assert get_json(ops, "/centres/no-such-centre/ledger").status_code == 404


@pytest.mark.parametrize(("query", "field", "code"), [
    ("date=2026-02-30", "date", "date"),
    ("from=2026-03-10&to=2026-03-01", "to", "date_before_start"),
    ("from=2026-01-01&to=2026-02-01", "to", "range_too_long"),
    ("date=2026-01-01&from=2026-01-01", "date", "date_or_range"),
])
def test_bad_days_are_named(tablets, centre, query, field, code) -> None:
    refused = get_json(tablets[0], f"/centres/{centre}/ledger?{query}")
    assert refused.status_code == 422
    assert [(p["path"], p["code"]) for p in refused.json["fields"]] == [(field, code)]
    assert refused.json["message_bn"] and refused.json["message_en"]


def test_a_range_of_31_days_is_read(tablets, centre) -> None:
    answer = get_json(tablets[0], f"/centres/{centre}/ledger?from=২০২৬-০১-০১&to=2026-01-31")
    assert answer.status_code == 200 and answer.json["entries"] == []
    assert answer.json["totals"]["applications"] == 0


def test_totals_equal_the_entries_when_two_tablets_submit_at_once(tablets, centre) -> None:
    from chalicelib.runtime import runtime

    # GIVEN two tablets of one centre, each submitting eight applications at the same time
    # (through the use-case and the real store: the test client is not thread-safe)
    applications = runtime().applications
    charges = {0: [10, 20, 30, 40, 15, 25, 35, 45], 1: [5, 50, 12.5, 7.25, 60, 1, 2, 3]}
    start = threading.Barrier(2)
    made: list[str] = []
    failures: list[BaseException] = []

    def tablet(number: int) -> None:
        start.wait()
        for n, charge in enumerate(charges[number]):
            method = "mfs" if n % 3 == 0 else "cash"
            try:
                done = applications.submit(
                    assisted_body(charge, method, phone=f"0181234{number}{n:03d}"),
                    key=f"tablet-{number}-{n:04d}", principal=tablets[number].principal)
                made.append(done.application.tracking_id)
            except BaseException as error:
                failures.append(error)

    threads = [threading.Thread(target=tablet, args=(number,)) for number in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    # THEN the ledger has each of the sixteen applications exactly once
    ledger = get_json(tablets[0], f"/centres/{centre}/ledger").json
    entries = ledger["entries"]
    assert Counter(entry["tracking_id"] for entry in entries) == Counter(made)
    assert len(made) == 16
    # AND its totals are the sums of its entries, and of what the tablets charged
    assert shown(ledger["totals"]) == sums(entries)
    expected = round(sum(sum(values) for values in charges.values()) * 100)
    assert ledger["totals"]["service_charges"]["poisha"] == expected
    for method in ("cash", "mfs"):
        assert shown(ledger["totals"]["by_method"][method]) == sums(
            [entry for entry in entries if entry["payment_method"] == method])
