"""The ops figures' use-case on an in-memory ``Counters``: finished days come from their
summaries (kept on first read, fetched in one batch), today and a day just over from the
rows, and either way the figures are the true counts."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain import tracking
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.bangla import DHAKA, dhaka_date
from chalicelib.domain.counters import scopes_for
from chalicelib.domain.lifecycle import Application, Channel, Status
from chalicelib.domain.stats import (
    DEPTHS_FOR,
    LIVE_COUNT_EVERY,
    LIVE_FOR,
    SUMMARY_AFTER,
    Names,
    QueueDepth,
    Stats,
    Tally,
    add_up,
    finished,
    layout,
    summarise,
    tally,
)
from tests.fakes import FakeCounters

OPS = Principal(Role.OPS, "u-ops")
NAMES = Names(district=lambda key: None, service=lambda key: None, agency=lambda key: None,
              agencies=list)
# Late evening in Dhaka, 1 December 2026.
NOW = datetime(2026, 12, 1, 23, 30, tzinfo=DHAKA)


class World:
    """Counters, a clock, and the true counts of every move written to them."""

    def __init__(self) -> None:
        self.counters = FakeCounters()
        self.now = NOW
        self.truth: Counter[tuple[str, str, str]] = Counter()  # (day, district, status)
        self.stats = Stats(counters=self.counters, queues=None,  # type: ignore[arg-type]
                           names=NAMES, clock=lambda: self.now)

    def apply(self, district: int, at: datetime, moves: tuple[Status, ...] = (),
              centre: str | None = None) -> None:
        application = Application.submit(
            actor="citizen:c", tracking_id=tracking.new_tracking_id(district, dhaka_date(at)),
            service_id="online-gd-lost-item", service_version=1, agency_id="police",
            applicant_name="রহিম", applicant_phone="+8801712345678", form={},
            channel=Channel.ASSISTED if centre else Channel.SELF, created_at=at,
            district_id=district, centre_id=centre, consent="code" if centre else None)
        self.count(application, Status.SUBMITTED, at)
        for status in moves:
            application.move_to(status, at=at, actor="system", channel=Channel.SYSTEM)
            self.count(application, status, at)

    def count(self, application: Application, status: Status, at: datetime) -> None:
        day = dhaka_date(at)
        for scope in scopes_for(application, status):
            self.counters.add(day, scope)
        self.truth[day.isoformat(), f"{application.district_id:02d}", status.value] += 1

    def report(self, start: date, end: date) -> dict[str, Any]:
        return self.stats.report(OPS, start.isoformat(), end.isoformat(), "district,centre",
                                 queues=False)

    def expected(self, start: date, end: date) -> Counter[tuple[str, str]]:
        found: Counter[tuple[str, str]] = Counter()
        for (day, district, status), count in self.truth.items():
            if start.isoformat() <= day <= end.isoformat():
                found[district, status] += count
        return found


def by_district(stats: dict[str, Any]) -> Counter[tuple[str, str]]:
    return Counter({(group["key"], status): count for group in stats["groups"]["district"]
                    for status, count in group["counts"].items() if count})


@pytest.fixture
def world() -> World:
    """Moves over the last five Dhaka days, today's among them."""
    world = World()
    for days_ago in range(5):
        for number in range(12):
            world.apply(1 + number % 4, NOW - timedelta(days=days_ago, minutes=7 * number),
                        (Status.QUEUED, Status.FORWARDED)[: number % 3],
                        centre="dc-1" if number % 5 == 0 else None)
    return world


def test_finished_days_are_summarised_on_first_read_then_read_from_the_summaries(
        world: World) -> None:
    today = dhaka_date(NOW)
    start = today - timedelta(days=4)
    # WHEN ops read the last five days twice
    first = world.report(start, today)
    reads_after_first = len(world.counters.row_reads)
    second = world.report(start, today)
    # THEN both are the true counts
    assert by_district(first) == by_district(second) == world.expected(start, today)
    # AND the four finished days were summarised once per family read
    assert set(world.counters.kept) == {(start + timedelta(days=n), family)
                                        for n in range(4)
                                        for family in ("area", "centre", "consent")}
    # AND the second read took everything from the summaries, in one batch: the finished
    # days' own, and today's live one, counted by the first read a moment before
    assert world.counters.summary_reads == 2
    assert world.counters.row_reads[reads_after_first:] == []
    assert second["counted_at"] == first["counted_at"] == NOW.isoformat()
    # AND once that is LIVE_FOR old, a read counts today's rows again, and only today's
    # (in any order: the families of a day are read side by side, on threads)
    world.now += LIVE_FOR
    third = world.report(start, today)
    assert sorted(world.counters.row_reads[reads_after_first:]) == [
        (today, family) for family in ("area", "centre", "consent")]
    assert by_district(third) == world.expected(start, today)
    assert third["counted_at"] == world.now.isoformat()


def test_today_is_counted_again_once_its_live_summary_is_live_for_old(world: World) -> None:
    today = dhaka_date(NOW)
    first = world.report(today - timedelta(days=1), today)
    # GIVEN a new application today, after today's rows were counted
    world.apply(64, NOW, (Status.QUEUED,))
    # WHEN ops read again at once THEN they see the figures as counted, and when that was
    soon = world.report(today - timedelta(days=1), today)
    assert by_district(soon) == by_district(first)
    assert by_district(soon)["64", "queued"] == 0
    assert soon["counted_at"] == NOW.isoformat()
    # AND a read LIVE_FOR later counts it
    world.now += LIVE_FOR - timedelta(seconds=1)
    assert by_district(world.report(today - timedelta(days=1), today))["64", "queued"] == 0
    world.now += timedelta(seconds=1)
    stats = world.report(today - timedelta(days=1), today)
    assert by_district(stats)["64", "queued"] == 1
    assert by_district(stats) == world.expected(today - timedelta(days=1), today)
    assert stats["counted_at"] == world.now.isoformat()


def test_a_day_just_over_is_read_live_until_no_move_clocked_in_it_can_still_commit(
        world: World) -> None:
    yesterday = dhaka_date(NOW)
    # GIVEN it is just after midnight in Dhaka
    world.now = datetime.combine(yesterday + timedelta(days=1), datetime.min.time(),
                                 tzinfo=DHAKA) + timedelta(minutes=5)
    assert not finished(yesterday, world.now)
    first = world.report(yesterday, yesterday)
    assert (yesterday, "area") not in world.counters.kept
    # AND a move clocked at 23:59 commits now, late
    world.apply(7, datetime.combine(yesterday, datetime.max.time(), tzinfo=DHAKA))
    # WHEN ops read again, within the grace (once the first read's live summary is
    # LIVE_FOR old) and after it (the live summary, older than the late move, is not used)
    world.now += LIVE_FOR
    within = world.report(yesterday, yesterday)
    world.now += SUMMARY_AFTER
    after = world.report(yesterday, yesterday)
    again = world.report(yesterday, yesterday)
    # THEN the late move is counted every time after it committed, summary or not
    assert by_district(first)["07", "submitted"] == 0
    assert by_district(within) == by_district(after) == by_district(again) == world.expected(
        yesterday, yesterday)
    assert (yesterday, "area") in world.counters.kept


def test_readers_racing_to_keep_a_summary_answer_with_the_one_kept(world: World) -> None:
    yesterday = dhaka_date(NOW) - timedelta(days=1)
    # GIVEN another reader keeps yesterday's summary while this one reads the rows
    raced = {"area#33#channel#self#status#submitted": 5}
    world.counters.race[yesterday, "area"] = tally(raced)
    # WHEN this reader reads THEN it answers with the kept summary, as the other does
    stats = world.report(yesterday, yesterday)
    assert by_district(stats) == Counter({("33", "submitted"): 5})
    assert world.counters.kept[yesterday, "area"].counts() == raced


def test_a_range_of_finished_days_is_one_batch_read(world: World) -> None:
    today = dhaka_date(NOW)
    start = today - timedelta(days=29)
    world.report(start, today)
    world.counters.row_reads.clear()
    world.counters.summary_reads = 0
    world.now += LIVE_FOR  # today's live summary is too old: today is counted from its rows
    stats = world.report(start, today)
    assert world.counters.summary_reads == 1
    assert {day for day, _ in world.counters.row_reads} == {today}
    assert by_district(stats) == world.expected(start, today)
    assert len(stats["trend"]) == 30


def test_summarise_adds_the_shards_up() -> None:
    rows = [("area#01#channel#self#status#submitted#shard#00", 2),
            ("area#01#channel#self#status#submitted#shard#07", 3),
            ("area#02#channel#self#status#queued#shard#03", 1),
            ("centre#dc-1#channel#assisted#status#submitted", 4)]
    assert summarise(rows) == {"area#01#channel#self#status#submitted": 5,
                               "area#02#channel#self#status#queued": 1,
                               "centre#dc-1#channel#assisted#status#submitted": 4}


@pytest.mark.parametrize(("moment", "done"), [
    (datetime(2026, 12, 1, 18, 5, tzinfo=UTC), False),  # 00:05 on 2 December in Dhaka
    (datetime(2026, 12, 1, 18, 19, tzinfo=UTC), False),
    (datetime(2026, 12, 1, 18, 20, tzinfo=UTC), True),
    (datetime(2026, 12, 1, 17, 59, tzinfo=UTC), False),  # 23:59 on 1 December
])
def test_a_day_is_finished_a_while_after_dhaka_midnight(moment: datetime, done: bool) -> None:
    assert finished(date(2026, 12, 1), moment) is done


def test_the_hourly_job_keeps_the_last_finished_days_summaries_before_anyone_reads(
        world: World) -> None:
    today = dhaka_date(NOW)
    # WHEN the SLA job's run summarises the finished days
    looked_at = world.stats.summarise_finished()
    # THEN yesterday and the day before are kept, every family, and nothing of today
    assert looked_at == [today - timedelta(days=1), today - timedelta(days=2)]
    assert set(world.counters.kept) == {(today - timedelta(days=n), family)
                                        for n in (1, 2)
                                        for family in ("area", "service", "centre", "consent")}
    # AND the first reader of those days reads no rows of theirs, and finds the true counts
    world.counters.row_reads.clear()
    stats = world.report(today - timedelta(days=2), today - timedelta(days=1))
    assert world.counters.row_reads == []
    assert by_district(stats) == world.expected(today - timedelta(days=2),
                                                today - timedelta(days=1))
    # AND a second run finds them made: one batch read, no rows
    world.counters.summary_reads = 0
    world.stats.summarise_finished()
    assert (world.counters.summary_reads, world.counters.row_reads) == (1, [])


def test_just_after_midnight_the_job_leaves_the_day_just_over_to_its_grace(world: World) -> None:
    yesterday = dhaka_date(NOW)
    world.now = datetime.combine(yesterday + timedelta(days=1), datetime.min.time(),
                                 tzinfo=DHAKA) + timedelta(minutes=5)
    assert world.stats.summarise_finished() == [yesterday - timedelta(days=1)]
    assert {day for day, _ in world.counters.kept} == {yesterday - timedelta(days=1)}


class CountedDepths:
    """``QueueDepths`` that says how often it was asked."""

    def __init__(self) -> None:
        self.asked = 0
        self.waiting = 3

    def depths(self, agency_ids: Any) -> list[QueueDepth]:
        self.asked += 1
        return [QueueDepth(agency_id, self.waiting, 0, 0) for agency_id in agency_ids]


def test_queue_depths_are_read_at_most_once_every_depths_for(world: World) -> None:
    depths = CountedDepths()
    stats = Stats(counters=world.counters, queues=depths, clock=lambda: world.now,
                  names=Names(district=lambda key: None, service=lambda key: None,
                              agency=lambda key: None, agencies=lambda: ["police"]))
    today = dhaka_date(NOW).isoformat()
    first = stats.report(OPS, today, today, "district")
    # GIVEN the queue grows WHEN ops read again within DEPTHS_FOR THEN the depths are as read
    depths.waiting = 9
    world.now += DEPTHS_FOR - timedelta(seconds=1)
    assert stats.report(OPS, today, today, "district")["queues"] == first["queues"]
    assert depths.asked == 1
    # AND once DEPTHS_FOR has passed they are read again
    world.now += timedelta(seconds=1)
    assert stats.report(OPS, today, today, "district")["queues"][0]["waiting"] == 9
    assert depths.asked == 2


LAYOUT = layout(range(1, 65), [("online-gd-lost-item", "police"), ("nid-correction", "ec")])


def laid_out(world: World) -> Stats:
    return Stats(counters=world.counters, queues=None,  # type: ignore[arg-type]
                 names=NAMES, clock=lambda: world.now, layout=LAYOUT)


def test_the_minute_job_counts_today_so_that_readers_never_count_rows(world: World) -> None:
    stats = laid_out(world)
    today = dhaka_date(NOW)
    start = today - timedelta(days=4)
    stats.summarise_finished(days_back=4)
    world.counters.row_reads.clear()
    # WHEN the job counts today, and keeps counting it every LIVE_COUNT_EVERY
    assert stats.count_live() == [today]
    assert sorted(world.counters.row_reads) == [
        (today, family) for family in ("area", "centre", "consent", "service")]
    for minute in range(5):
        world.counters.row_reads.clear()
        # THEN every read in between reads no row, and is the true counts as counted
        for second in (0, 20, 40, 59):
            world.now = NOW + minute * LIVE_COUNT_EVERY + timedelta(seconds=second)
            figures = stats.report(OPS, start.isoformat(), today.isoformat(),
                                   "district,service,centre", queues=False)
            assert by_district(figures) == world.expected(start, today)
            assert figures["counted_at"] == (NOW + minute * LIVE_COUNT_EVERY).isoformat()
        assert world.counters.row_reads == []
        # AND a move made meanwhile shows once the job has counted again
        world.apply(9, world.now, (Status.QUEUED,))
        world.now = NOW + (minute + 1) * LIVE_COUNT_EVERY
        stats.count_live()
    figures = stats.report(OPS, start.isoformat(), today.isoformat(), "district",
                           queues=False)
    assert by_district(figures) == world.expected(start, today)
    assert by_district(figures)["09", "queued"] == 5


def test_a_reader_counts_the_rows_itself_once_the_job_has_stopped(world: World) -> None:
    stats = laid_out(world)
    today = dhaka_date(NOW)
    stats.count_live()
    world.apply(12, NOW)
    world.counters.row_reads.clear()
    world.now += LIVE_FOR
    figures = stats.report(OPS, today.isoformat(), today.isoformat(), "district",
                           queues=False)
    assert {day for day, _ in world.counters.row_reads} == {today}
    assert by_district(figures)["12", "submitted"] == 1
    assert LIVE_FOR > LIVE_COUNT_EVERY  # so that while the job runs, no reader counts


def test_a_laid_out_tally_has_the_same_shape_whatever_was_counted(world: World) -> None:
    few = tally({"area#01#channel#self#status#submitted": 1}, LAYOUT["area"])
    many = tally(summarise(world.counters.rows(dhaka_date(NOW), "area")), LAYOUT["area"])
    none = tally({}, LAYOUT["area"])
    assert few.keys == many.keys == none.keys == LAYOUT["area"]
    assert len(few.values) == len(many.values) == len(none.values) == 64 * 2 * len(Status)
    # AND adding days is column by column, and gives what the counts add up to
    total = add_up([few, many, none])
    assert total.keys == LAYOUT["area"]
    expected = Counter(few.counts()) + Counter(many.counts())
    assert total.counts() == dict(expected)


def test_a_tally_groups_by_any_dimension_of_its_keys() -> None:
    counts = {"service#online-gd-lost-item#agency#police#status#submitted": 4,
              "service#online-gd-lost-item#agency#police#status#approved": 1,
              "service#nid-correction#agency#ec#status#submitted": 2,
              "service#passport#agency#dip#status#submitted": 3}  # off the layout
    found = tally(counts, LAYOUT["service"])
    assert found.keys[:2] == LAYOUT["service"]  # the layout's keys first, then the rest
    assert found.counts() == counts
    assert found.by_column()["submitted"] == 9
    assert found.group("agency")["police"] == {**dict.fromkeys(found.columns, 0),
                                               "submitted": 4, "approved": 1}
    assert set(found.group("service")) == {"online-gd-lost-item", "nid-correction",
                                           "passport"}
    # AND tallies of other shapes (a layout changed, a family without one) add up cell by cell
    other = tally({"service#passport#agency#dip#status#submitted": 1})
    assert add_up([found, other]).counts()[
        "service#passport#agency#dip#status#submitted"] == 4


def test_a_family_without_statuses_is_one_column() -> None:
    found = tally({"consent#no_code#centre#dc-1": 2, "consent#no_code#centre#dc-2": 1})
    assert found.columns[-1] == ""
    assert found.total() == 3
    assert found.group("centre") == {"dc-1": {**dict.fromkeys(found.columns, 0), "": 2},
                                     "dc-2": {**dict.fromkeys(found.columns, 0), "": 1}}
    assert add_up([]) == Tally()
