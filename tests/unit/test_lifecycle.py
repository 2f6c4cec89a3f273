"""The lifecycle graph: every legal move is allowed and recorded, every other is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product

import pytest

from chalicelib.domain.errors import IllegalTransition
from chalicelib.domain.lifecycle import TRANSITIONS, Application, Channel, Status

AT = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)

LEGAL = {
    (Status.SUBMITTED, Status.QUEUED), (Status.SUBMITTED, Status.CANCELLED),
    (Status.QUEUED, Status.FORWARDED), (Status.QUEUED, Status.CANCELLED),
    (Status.FORWARDED, Status.IN_REVIEW),
    (Status.IN_REVIEW, Status.NEEDS_INFO), (Status.IN_REVIEW, Status.APPROVED),
    (Status.IN_REVIEW, Status.REJECTED),
    (Status.NEEDS_INFO, Status.RESUBMITTED),
    (Status.RESUBMITTED, Status.NEEDS_INFO), (Status.RESUBMITTED, Status.APPROVED),
    (Status.RESUBMITTED, Status.REJECTED),
    (Status.APPROVED, Status.DELIVERED),
}


def application_in(status: Status) -> Application:
    application = Application.submit(
        actor="citizen", tracking_id="4726112800000005", service_id="online-gd-lost-item",
        service_version=1, agency_id="police", applicant_name="রহিম",
        applicant_phone="+8801712345678", form={}, channel=Channel.SELF, created_at=AT,
        district_id=47,
    )
    application.status = status
    return application


def test_the_graph_is_exactly_the_designed_one() -> None:
    declared = {(source, target) for source, targets in TRANSITIONS.items() for target in targets}
    assert declared == LEGAL


@pytest.mark.parametrize(("source", "target"), sorted(LEGAL))
def test_legal_move_is_recorded_with_who_when_why_and_channel(
    source: Status, target: Status
) -> None:
    application = application_in(source)
    before = len(application.history)

    entry = application.move_to(target, at=AT, actor="agency:police",
                                channel=Channel.AGENCY_API, reason="কারণ")

    assert application.status is target
    assert application.history[-1] == entry
    assert len(application.history) == before + 1
    assert (entry.previous, entry.actor, entry.channel, entry.reason, entry.at) == (
        source, "agency:police", Channel.AGENCY_API, "কারণ", AT)


ILLEGAL = sorted(set(product(Status, Status)) - LEGAL)


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_illegal_move_is_refused_and_changes_nothing(source: Status, target: Status) -> None:
    application = application_in(source)
    history = list(application.history)

    with pytest.raises(IllegalTransition) as refused:
        application.move_to(target, at=AT, actor="x", channel=Channel.SYSTEM)

    assert application.status is source
    assert application.history == history
    body = refused.value.to_body()
    assert source.label.bn in body["message_bn"] and source.label.en in body["message_en"]


def test_cancellation_only_before_forwarding() -> None:
    cancellable = {source for source, target in LEGAL if target is Status.CANCELLED}
    assert cancellable == {Status.SUBMITTED, Status.QUEUED}


def test_every_status_has_bangla_and_english_names() -> None:
    for status in Status:
        assert any("\u0980" <= char <= "\u09ff" for char in status.label.bn)
        assert status.label.en


def test_a_new_application_starts_submitted_with_one_history_entry() -> None:
    application = application_in(Status.SUBMITTED)
    assert [entry.status for entry in application.history] == [Status.SUBMITTED]
    assert application.history[0].actor == "citizen"
