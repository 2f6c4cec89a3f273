"""The ops figures (``GET /ops/stats``) equal the true counts, by every dimension.

GIVEN a known set of applications (self and assisted, several districts, services, centres,
one consent taken without a code) moved through the lifecycle, some of the moves racing
each other, WHEN ops read the stats, THEN every figure is what the applications' own
histories say, and the stats are read from the counters (no Scan, no read of applications).
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain import tracking
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.bangla import DHAKA, dhaka_date
from chalicelib.domain.counters import OVERDUE_DAY, overdue_scope
from chalicelib.domain.errors import ConcurrentUpdate
from chalicelib.domain.lifecycle import Application, Channel, Status
from chalicelib.domain.ports import Claim
from chalicelib.domain.stats import LIVE_FOR, Stats, Summary, tally
from chalicelib.store.applications import DynamoApplicationStore
from chalicelib.store.models import ApplicationModel, CounterModel, CounterSummaryModel
from tests.helpers import get_json

BRN = "birth-registration-new"
OPS = Principal(Role.OPS, "u-test-ops")
# (district, service, agency, channel, centre, consent)
KINDS = [
    (47, "online-gd-lost-item", "police", Channel.SELF, None, None),
    (47, BRN, "birth-death-registration", Channel.SELF, None, None),
    (1, "online-gd-lost-item", "police", Channel.ASSISTED, "dc-1001", "code"),
    (1, BRN, "birth-death-registration", Channel.ASSISTED, "dc-1001", "no_code"),
    (26, BRN, "birth-death-registration", Channel.ASSISTED, "dc-2002", "code"),
    (0, "online-gd-lost-item", "police", Channel.SELF, None, None),
]
PATHS = [  # moves after submission, by how far an application gets
    [],
    [Status.QUEUED],
    [Status.QUEUED, Status.FORWARDED, Status.IN_REVIEW],
    [Status.QUEUED, Status.FORWARDED, Status.IN_REVIEW, Status.APPROVED],
    [Status.QUEUED, Status.FORWARDED, Status.IN_REVIEW, Status.NEEDS_INFO, Status.RESUBMITTED,
     Status.REJECTED],
    [Status.CANCELLED],
]


def make(store: DynamoApplicationStore, kind: tuple, at: datetime) -> Application:
    district, service, agency, channel, centre, consent = kind
    application = Application.submit(
        actor="citizen:c-test", tracking_id=tracking.new_tracking_id(district, dhaka_date(at)),
        service_id=service, service_version=1, agency_id=agency, applicant_name="রহিম",
        applicant_phone="+8801712345678", form={}, channel=channel, created_at=at,
        district_id=district, centre_id=centre, consent=consent)
    application.version = 1
    store.create(application, Claim(f"k-{application.tracking_id}", "f",
                                    application.tracking_id, 2**40))
    return application


def move(store: DynamoApplicationStore, application: Application, status: Status,
         at: datetime) -> None:
    entry = application.move_to(status, at=at, actor="system", channel=Channel.SYSTEM)
    store.record(application, entry)


@pytest.fixture
def known(aws: None) -> list[str]:
    """Applications over yesterday and today (Dhaka), moved along every path; two of them
    decided twice at once (one decision wins)."""
    store = DynamoApplicationStore()
    now = datetime.now(UTC)
    made = []
    for number, kind in enumerate(KINDS * 3):
        at = now - timedelta(days=1 if number % 4 == 0 else 0, minutes=number)
        application = make(store, kind, at)
        for status in PATHS[number % len(PATHS)]:
            move(store, application, status, at)
        made.append(application.tracking_id)
    racing = [made[2], made[8]]  # in review: two officers decide at the same moment
    for tracking_id in racing:
        start = threading.Barrier(2, timeout=10)
        outcomes: list[str] = []

        def decide(target: Status, tracking_id: str = tracking_id,
                   start: threading.Barrier = start, outcomes: list[str] = outcomes) -> None:
            application = store.get(tracking_id)
            assert application is not None
            start.wait()
            try:
                move(store, application, target, now)
                outcomes.append("won")
            except ConcurrentUpdate:
                outcomes.append("lost")

        threads = [threading.Thread(target=decide, args=(status,))
                   for status in (Status.APPROVED, Status.REJECTED)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["lost", "won"]
    return made


def truth(tracking_ids: list[str], start: str, end: str) -> dict[str, Counter]:
    """Moves into each status, by every dimension, from the applications themselves."""
    found: dict[str, Counter] = {name: Counter() for name in
                                 ("status", "district", "service", "agency", "channel",
                                  "centre", "consent")}
    store = DynamoApplicationStore()
    for tracking_id in tracking_ids:
        application = store.get(tracking_id)
        assert application is not None
        for entry in application.history:
            if not start <= dhaka_date(entry.at).isoformat() <= end:
                continue
            status = entry.status.value
            found["status"][status] += 1
            found["district"][f"{application.district_id:02d}", status] += 1
            found["service"][application.service_id, status] += 1
            found["agency"][application.agency_id, status] += 1
            found["channel"][application.channel.value, status] += 1
            if application.centre_id:
                found["centre"][application.centre_id, status] += 1
            if entry.status is Status.SUBMITTED and application.consent == "no_code":
                found["consent"]["no_code"] += 1
    return found


def reported(groups: list[dict[str, Any]]) -> Counter:
    return Counter({(group["key"], status): count for group in groups
                    for status, count in group["counts"].items() if count})


def test_stats_equal_the_true_counts_by_every_dimension(client, as_role, known) -> None:
    ops = as_role("ops", id="u-test-ops", phone="+8801900000001")
    today = dhaka_date(datetime.now(UTC))
    for start, end in [(today - timedelta(days=1), today), (today, today)]:
        # WHEN ops ask for every dimension over the range
        response = get_json(ops, f"/ops/stats?from={start}&to={end}"
                                 "&by=district,service,agency,status,centre,channel")
        assert response.status_code == 200, response.json
        stats = response.json
        expected = truth(known, start.isoformat(), end.isoformat())
        # THEN every figure is the true count
        assert {key: value for key, value in stats["totals"].items() if value} == dict(
            expected["status"])
        for name in ("district", "service", "agency", "channel", "centre"):
            assert reported(stats["groups"][name]) == expected[name], name
        assert sum(day["submitted"] for day in stats["trend"]) == expected["status"]["submitted"]
        # AND the consents taken without a code are counted
        assert stats["consents_without_code"] == expected["consent"]["no_code"] > 0
    assert response.headers["Cache-Control"] == "no-store"


def test_groups_carry_names_and_the_busiest_come_first(client, as_role, known) -> None:
    ops = as_role("ops", id="u-test-ops", phone="+8801900000001")
    stats = get_json(ops, "/ops/stats?by=district,agency,channel").json
    districts = stats["groups"]["district"]
    assert [group["total"] for group in districts] == sorted(
        (group["total"] for group in districts), reverse=True)
    dhaka = next(group for group in districts if group["key"] == "47")
    assert dhaka["name"] == {"bn": "ঢাকা", "en": "Dhaka"}
    police = next(group for group in stats["groups"]["agency"] if group["key"] == "police")
    assert police["name"]["bn"]
    assert {group["key"] for group in stats["groups"]["channel"]} == {"self", "assisted"}


def test_queues_overdue_and_defaults(client, as_role, aws) -> None:
    import boto3

    from chalicelib.settings import get_settings

    # GIVEN two messages waiting for the police and one in its dead-letter queue
    settings = get_settings()
    sqs = boto3.client("sqs")
    for name, count in ((settings.queue_name("police"), 2),
                        (settings.dead_letter_queue_name("police"), 1)):
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        for number in range(count):
            sqs.send_message(QueueUrl=url, MessageBody=f'{{"n": {number}}}')
    # AND the SLA job's rows say three police GDs are overdue
    CounterModel(day=OVERDUE_DAY, scope=overdue_scope("police", "online-gd-lost-item"),
                 total=3).save()
    ops = as_role("ops", id="u-test-ops", phone="+8801900000001")
    # WHEN ops read today's figures (no range given)
    stats = get_json(ops, "/ops/stats").json
    # THEN today is the range, and the queues and overdue counts are there
    today = dhaka_date(datetime.now(UTC)).isoformat()
    assert (stats["from"], stats["to"]) == (today, today)
    police = next(queue for queue in stats["queues"] if queue["agency_id"] == "police")
    assert (police["waiting"], police["dead_letter"]) == (2, 1)
    assert all(queue["dead_letter"] == 0 for queue in stats["queues"]
               if queue["agency_id"] != "police")
    assert stats["overdue"]["total"] == 3
    assert stats["overdue"]["by_agency"][0]["key"] == "police"
    assert stats["consents_without_code"] == 0


@pytest.mark.parametrize(("query", "field", "code"), [
    ("from=2026-13-01", "from", "date"),
    ("from=yesterday", "from", "date"),
    ("from=2026-05-10&to=2026-05-01", "to", "date_before_start"),
    ("from=2026-01-01&to=2026-12-31", "to", "range_too_long"),
    ("by=upazila", "by", "enum"),
    ("by=district,,nonsense", "by", "enum"),
    ("from=2999-01-01&to=2999-01-02", "from", "future_date"),
])
def test_a_bad_range_or_dimension_is_named(client, as_role, query, field, code) -> None:
    ops = as_role("ops", id="u-test-ops", phone="+8801900000001")
    response = get_json(ops, f"/ops/stats?{query}")
    assert response.status_code == 422
    assert response.json["code"] == "query_invalid"
    assert [(item["path"], item["code"]) for item in response.json["fields"]] == [(field, code)]
    assert response.json["fields"][0]["message_bn"] and response.json["fields"][0]["message_en"]


def test_bangla_digits_are_read_as_dates(client, as_role) -> None:
    ops = as_role("ops", id="u-test-ops", phone="+8801900000001")
    response = get_json(ops, "/ops/stats?from=২০২৬-০৫-০১&to=২০২৬-০৫-০৩")
    assert response.status_code == 200
    assert [day["date"] for day in response.json["trend"]] == [
        "2026-05-01", "2026-05-02", "2026-05-03"]


def test_stats_never_read_the_applications_table(client, as_role, known, monkeypatch) -> None:
    # GIVEN any read of the applications table fails the test
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the stats read the applications table")

    for name in ("get", "query", "scan", "batch_get"):
        monkeypatch.setattr(ApplicationModel, name, refuse)
    ops = as_role("ops", id="u-test-ops", phone="+8801900000001")
    response = get_json(ops, "/ops/stats?by=district,service,agency,status,centre,channel")
    assert response.status_code == 200
    assert response.json["totals"]["submitted"] > 0


# Summaries of finished days, across a Dhaka midnight, with the clock handed in.
EVENING = datetime(2026, 11, 20, 23, 40, tzinfo=DHAKA)  # day D; D + 1 begins at 18:00 UTC


def stats_at(clock: list[datetime]) -> Any:
    """The stats use-case on moto's counters, its clock ``clock[0]``."""
    from chalicelib.runtime import runtime
    from chalicelib.store.stats import DynamoCounters

    current = runtime().stats
    return Stats(counters=DynamoCounters(), queues=current.queues, names=current.names,
                 clock=lambda: clock[0], layout=current.layout)


def figures(stats: Any, start: date, end: date) -> dict[str, Any]:
    return stats.report(OPS, start.isoformat(), end.isoformat(),
                        "district,service,agency,status,centre,channel", queues=False)


def assert_true_counts(stats: dict[str, Any], made: list[str], start: date, end: date) -> None:
    expected = truth(made, start.isoformat(), end.isoformat())
    assert {key: value for key, value in stats["totals"].items() if value} == dict(
        expected["status"])
    for name in ("district", "service", "agency", "channel", "centre"):
        assert reported(stats["groups"][name]) == expected[name], name
    assert stats["consents_without_code"] == expected["consent"]["no_code"]


def kept_summaries(day: date, live: bool = False) -> list[str]:
    """The sort keys of a day's summaries: its own (a finished day's), or its live ones."""
    return sorted(item.scope for item in CounterSummaryModel.query(
        day.isoformat(), CounterSummaryModel.scope.startswith("summary#"))
        if (item.counted_at is not None) == live)


def test_summaries_across_midnight_equal_the_true_counts(aws) -> None:
    store = DynamoApplicationStore()
    day = EVENING.date()
    made = []
    # GIVEN applications on the evening of day D, moved along every path
    for number, kind in enumerate(KINDS * 2):
        application = make(store, kind, EVENING + timedelta(minutes=number))
        for status in PATHS[number % len(PATHS)]:
            move(store, application, status, EVENING + timedelta(minutes=number))
        made.append(application.tracking_id)
    clock = [datetime(2026, 11, 21, 0, 5, tzinfo=DHAKA)]
    stats = stats_at(clock)
    # WHEN ops read D and D + 1 five minutes after midnight, THEN D is read live
    assert_true_counts(figures(stats, day, day + timedelta(days=1)), made, day,
                       day + timedelta(days=1))
    assert kept_summaries(day) == []
    assert kept_summaries(day, live=True) == ["summary#area#00", "summary#centre#00",
                                              "summary#consent#00", "summary#service#00"]
    # GIVEN a move clocked at 23:59 on D that commits only now
    late = store.get(made[0])
    assert late is not None
    move(store, late, Status.QUEUED, datetime(2026, 11, 20, 23, 59, 59, tzinfo=DHAKA))
    # AND applications on D + 1
    for number, kind in enumerate(KINDS):
        application = make(store, kind, clock[0] + timedelta(minutes=number))
        move(store, application, Status.QUEUED, clock[0] + timedelta(minutes=number))
        made.append(application.tracking_id)
    # WHEN ops read once D is over for good
    clock[0] = datetime(2026, 11, 21, 1, 0, tzinfo=DHAKA)
    first = figures(stats, day, day + timedelta(days=1))
    # THEN the figures are the true counts, the late move among them, and D is summarised
    assert_true_counts(first, made, day, day + timedelta(days=1))
    assert kept_summaries(day) == ["summary#area#00", "summary#centre#00",
                                   "summary#consent#00", "summary#service#00"]
    assert kept_summaries(day, live=True) == []
    assert kept_summaries(day + timedelta(days=1)) == []
    # GIVEN D's rows are no longer read (only its summaries), and D + 1 moves on
    from chalicelib.store.stats import DynamoCounters

    rows = DynamoCounters.rows

    def only_today(self: Any, row_day: date, family: str) -> Any:
        assert row_day != day, "a finished day's rows were read again"
        return rows(self, row_day, family)

    for tracking_id in made[-len(KINDS):]:
        application = store.get(tracking_id)
        assert application is not None
        move(store, application, Status.FORWARDED, clock[0])
    clock[0] += LIVE_FOR  # D + 1's live summary, counted by the read before, is too old now
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DynamoCounters, "rows", only_today)
        again = figures(stats, day, day + timedelta(days=1))
        only_d = figures(stats, day, day)
    # THEN D comes from its summaries and D + 1, live, has its new moves
    assert_true_counts(again, made, day, day + timedelta(days=1))
    assert_true_counts(only_d, made, day, day)
    assert again["totals"]["forwarded"] == first["totals"]["forwarded"] + len(KINDS)


def test_readers_racing_on_a_finished_day_keep_one_summary_and_agree(aws) -> None:
    store = DynamoApplicationStore()
    made = [make(store, kind, EVENING).tracking_id for kind in KINDS]
    stats = stats_at([EVENING + timedelta(days=3)])
    start = threading.Barrier(4, timeout=10)
    answers: list[dict[str, Any]] = []

    def read() -> None:
        start.wait()
        answers.append(figures(stats, EVENING.date(), EVENING.date()))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 4
    for answer in answers:
        assert {key: answer[key] for key in ("totals", "groups")} == {
            key: answers[0][key] for key in ("totals", "groups")}
        assert_true_counts(answer, made, EVENING.date(), EVENING.date())
    assert kept_summaries(EVENING.date()) == ["summary#area#00", "summary#centre#00",
                                              "summary#consent#00", "summary#service#00"]


def test_a_summary_too_big_for_one_item_is_kept_in_parts(aws) -> None:
    import secrets

    from chalicelib.store.stats import PART_BYTES, DynamoCounters

    # GIVEN a day whose centres' counts compress to more than one item holds
    counts = tally({f"centre#{secrets.token_hex(12)}#channel#assisted#status#submitted":
                    number for number in range(40_000)})
    counters = DynamoCounters()
    day = EVENING.date()
    # WHEN it is kept and read back
    assert counters.keep_summary(day, "centre", counts) == counts
    # THEN it is in several items, and reads back whole
    parts = CounterSummaryModel.query(day.isoformat(),
                                      CounterSummaryModel.scope.startswith("summary#"))
    assert len([part for part in parts if len(part.counts) <= PART_BYTES]) > 1
    assert counters.summaries([(day, "centre"), (day, "area")]) == {
        (day, "centre"): Summary(counts)}


def test_the_minute_job_keeps_todays_live_and_yesterdays_own_summaries(client, aws,
                                                                       monkeypatch) -> None:
    from chalicelib.runtime import runtime

    store = DynamoApplicationStore()
    now = datetime(2026, 11, 21, 9, 0, tzinfo=DHAKA)
    # GIVEN applications moved on the evening of D and this morning, D + 1
    made, today = [], []
    for number, kind in enumerate(KINDS):
        application = make(store, kind, EVENING + timedelta(minutes=number))
        move(store, application, Status.QUEUED, EVENING + timedelta(minutes=number))
        made.append(application.tracking_id)
        today.append(make(store, kind, now - timedelta(minutes=number)).tracking_id)
    monkeypatch.setattr(runtime().stats, "clock", lambda: now)
    assert kept_summaries(EVENING.date()) == kept_summaries(now.date(), live=True) == []
    # WHEN the scheduled job runs (as EventBridge calls it)
    answer = client.lambda_.invoke("count_stats", client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    assert answer.payload == {"counted": [now.date().isoformat()],
                              "summarised": [EVENING.date().isoformat(),
                                             (EVENING.date() - timedelta(days=1)).isoformat()]}
    # THEN D's own summaries are kept, every family, and D + 1's live ones, before any
    # reader asked for them
    every = ["summary#area#00", "summary#centre#00", "summary#consent#00",
             "summary#service#00"]
    assert kept_summaries(EVENING.date()) == kept_summaries(now.date(), live=True) == every
    # AND a reader then reads no row, and finds the true counts
    stats = stats_at([now + timedelta(seconds=50)])
    rows = []
    original = stats.counters.rows
    monkeypatch.setattr(stats.counters, "rows", lambda *job: rows.append(job) or original(*job))
    assert_true_counts(figures(stats, EVENING.date(), EVENING.date()), made,
                       EVENING.date(), EVENING.date())
    assert_true_counts(figures(stats, now.date(), now.date()), today, now.date(), now.date())
    assert rows == []


def test_every_dynamodb_call_of_the_figures_is_one_its_functions_role_grants(
        client, aws, monkeypatch) -> None:
    from chalicelib.runtime import runtime
    from tests.grants import dynamodb_actions, refused

    store = DynamoApplicationStore()
    now = datetime(2026, 11, 21, 9, 0, tzinfo=DHAKA)
    for number, kind in enumerate(KINDS):
        make(store, kind, EVENING + timedelta(minutes=number))
        make(store, kind, now - timedelta(minutes=number))
    monkeypatch.setattr(runtime().stats, "clock", lambda: now)
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                            detail={}, resources=[])
    # WHEN the minute job counts and keeps summaries, and the SLA job runs
    for job in ("count_stats", "mark_overdue"):
        with dynamodb_actions() as asked:
            client.lambda_.invoke(job, event)
        assert asked and refused(job, asked) == set(), job
    # AND ops read (the API: summaries in one batch, a missing one made on first read)
    from chalicelib.store.stats import DynamoCounters

    DynamoCounters.forget_summaries([(EVENING - timedelta(days=2)).date().isoformat()])
    with dynamodb_actions() as asked:
        figures(runtime().stats, EVENING.date() - timedelta(days=3), now.date())
    # THEN each call is one the function's role allows (moto allows them all)
    assert {action for _, action in asked} >= {"dynamodb:BatchGetItem", "dynamodb:PutItem",
                                               "dynamodb:Query"}
    assert refused("api_handler", asked) == set()
