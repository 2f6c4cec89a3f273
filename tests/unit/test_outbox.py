"""The outbox use-cases with in-memory fakes: what a move must tell, forwarding once in
effect, and the sweeper that pages through everything the stream left behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.lifecycle import Application, Channel, Status
from chalicelib.domain.outbox import (
    AGENCY,
    NOTIFICATIONS,
    OutboxForwarder,
    OutboxRecord,
    outbox_for,
    record_id,
)
from tests.fakes import FakeOutboxStore, FakeQueues

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def application(tracking_id: str = "4726120112345678") -> Application:
    return Application.submit(
        actor="citizen", tracking_id=tracking_id, service_id="online-gd-lost-item",
        service_version=1, agency_id="police", applicant_name="রহিম উদ্দিন",
        applicant_phone="+8801712345678", form={}, channel=Channel.SELF, created_at=NOW,
        district_id=47,
    )


def forwarder(store: FakeOutboxStore, queues: FakeQueues, now: datetime = NOW) -> OutboxForwarder:
    return OutboxForwarder(store=store, queues=queues, clock=lambda: now)


def test_a_new_application_tells_its_agency_and_its_applicant_and_queueing_tells_nobody(
) -> None:
    new = application()
    record = outbox_for(new, new.history)
    assert record is not None
    assert record.id == record_id(new.tracking_id, 0) == "4726120112345678#000"
    assert [(m.queue, m.agency_id, m.body) for m in record.messages] == [
        (AGENCY, "police", {"tracking_id": new.tracking_id, "step": "forward"}),
        (NOTIFICATIONS, None, {"kind": "transition", "tracking_id": new.tracking_id,
                               "step": 0})]
    queued = new.move_to(Status.QUEUED, at=NOW, actor="system", channel=Channel.SYSTEM)
    assert outbox_for(new, [queued]) is None


def test_the_same_record_forwarded_twice_is_sent_once() -> None:
    store, queues = FakeOutboxStore(), FakeQueues()
    new = application()
    record = outbox_for(new, new.history)
    assert record is not None
    store.add(record)

    assert forwarder(store, queues).forward(record.id) is True
    assert forwarder(store, queues).forward(record.id) is False  # redelivered
    assert [m.queue for m in queues.sent] == [AGENCY, NOTIFICATIONS]  # each once
    assert store.records[record.id].forwarded_at == NOW


def test_a_record_that_cannot_be_sent_stays_pending_for_the_sweeper() -> None:
    store, queues = FakeOutboxStore(), FakeQueues()
    new = application()
    record = outbox_for(new, new.history)
    assert record is not None
    store.add(record)
    queues.down = True

    try:
        forwarder(store, queues).forward(record.id)
    except Exception as error:
        assert type(error).__name__ == "ServiceUnavailable"
    assert store.records[record.id].forwarded_at is None

    queues.down = False
    later = forwarder(store, queues, NOW + timedelta(minutes=10))
    result = later.sweep(older_than=timedelta(minutes=5))
    assert (result.seen, result.forwarded, result.complete) == (1, 1, True)
    assert [m.queue for m in queues.sent] == [AGENCY, NOTIFICATIONS]


def pending(store: FakeOutboxStore, count: int) -> list[OutboxRecord]:
    records = []
    for number in range(count):
        new = application(f"4726120{number:09d}")
        record = outbox_for(new, new.history)
        assert record is not None
        store.add(record)
        records.append(record)
    return records


def test_the_sweeper_pages_through_everything_not_just_the_first_page() -> None:
    store, queues = FakeOutboxStore(), FakeQueues()
    records = pending(store, 730)
    queues.refuse.add(records[3].tracking_id)  # one that still cannot be sent

    result = forwarder(store, queues, NOW + timedelta(hours=1)).sweep(
        older_than=timedelta(minutes=5), page_size=100)

    assert result.seen == 730 and result.forwarded == 729
    assert result.failed == [records[3].id]
    assert sorted(m.body["tracking_id"] for m in queues.sent if m.queue == AGENCY) == sorted(
        r.tracking_id for r in records if r is not records[3])


def test_the_sweeper_leaves_young_records_to_the_stream() -> None:
    store, queues = FakeOutboxStore(), FakeQueues()
    pending(store, 3)
    result = forwarder(store, queues, NOW + timedelta(minutes=1)).sweep(
        older_than=timedelta(minutes=5))
    assert (result.seen, queues.sent) == (0, [])


def test_the_sweeper_stops_before_its_time_runs_out_and_says_so() -> None:
    store, queues = FakeOutboxStore(), FakeQueues()
    pending(store, 300)
    budget = iter([100.0, 100.0, 1.0] + [1.0] * 100)

    result = forwarder(store, queues, NOW + timedelta(hours=1)).sweep(
        older_than=timedelta(minutes=5), page_size=50, time_left=lambda: next(budget))

    assert result.complete is False
    assert 0 < result.forwarded < 300
