"""Agency adapters: Standard Webhooks signatures, the REST adapter's reading of answers,
the desk, and the circuit that stops calling an agency that keeps failing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.agencies import webhooks
from chalicelib.agencies.config import AgencyEndpoint
from chalicelib.agencies.desk import DeskAgency
from chalicelib.agencies.rest import RestAgency, retry_after, webhook_id
from chalicelib.domain.circuit import Circuit
from chalicelib.domain.errors import AgencyRefused, AgencyUnavailable
from chalicelib.domain.lifecycle import Application, Channel
from tests.fakes import FakeCircuits

# The Standard Webhooks specification's published example (its reference libraries' tests).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def spec_headers(**changes: str) -> dict[str, str]:
    return {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP),
            "webhook-signature": SPEC_SIGNATURE, **changes}


def test_signing_matches_the_specifications_published_example() -> None:
    assert webhooks.signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_the_published_example_verifies_within_five_minutes_and_names_its_id() -> None:
    assert webhooks.verify(SPEC_SECRET, spec_headers(), SPEC_BODY,
                           now=SPEC_TIMESTAMP + 299) == SPEC_ID


def test_header_names_are_read_whatever_their_case() -> None:
    upper = {name.title(): value for name, value in spec_headers().items()}
    assert webhooks.verify(SPEC_SECRET, upper, SPEC_BODY, now=SPEC_TIMESTAMP) == SPEC_ID


def test_one_of_several_signatures_is_enough_during_a_key_rotation() -> None:
    rotated = spec_headers(**{"webhook-signature": "v1,Zm9yZ2Vk " + SPEC_SIGNATURE})
    assert webhooks.verify(SPEC_SECRET, rotated, SPEC_BODY, now=SPEC_TIMESTAMP) == SPEC_ID


@pytest.mark.parametrize(("headers", "body", "now", "reason"), [
    (spec_headers(), b'{"test": 2432232315}', SPEC_TIMESTAMP, "signature"),  # body changed
    (spec_headers(**{"webhook-id": "msg_other"}), SPEC_BODY, SPEC_TIMESTAMP, "signature"),
    (spec_headers(**{"webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE"}),
     SPEC_BODY, SPEC_TIMESTAMP, "signature"),  # cut short
    (spec_headers(**{"webhook-signature": SPEC_SIGNATURE.replace("v1,", "v1a,")}),
     SPEC_BODY, SPEC_TIMESTAMP, "signature"),  # another scheme
    (spec_headers(), SPEC_BODY, SPEC_TIMESTAMP + 301, "timestamp"),  # stale
    (spec_headers(), SPEC_BODY, SPEC_TIMESTAMP - 301, "timestamp"),  # from the future
    (spec_headers(**{"webhook-timestamp": "1614265330.0"}), SPEC_BODY, SPEC_TIMESTAMP,
     "timestamp"),
    ({"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP)}, SPEC_BODY,
     SPEC_TIMESTAMP, "missing"),
])
def test_a_forged_altered_or_stale_message_is_refused(headers, body, now, reason) -> None:
    with pytest.raises(webhooks.BadSignature) as refused:
        webhooks.verify(SPEC_SECRET, headers, body, now=now)
    assert refused.value.reason == reason


def test_another_agencys_secret_does_not_verify() -> None:
    other = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
    with pytest.raises(webhooks.BadSignature):
        webhooks.verify(other, spec_headers(), SPEC_BODY, now=SPEC_TIMESTAMP)


@pytest.mark.parametrize("secret", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_***"])
def test_a_secret_not_of_the_whsec_form_is_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="whsec_"):
        webhooks.secret_key(secret)


# --- the REST adapter ----------------------------------------------------------------

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


def application(tracking_id: str = "4726120151222826") -> Application:
    return Application(
        tracking_id=tracking_id, service_id="online-gd-lost-item", service_version=1,
        agency_id="police", applicant_name="রহিম", applicant_phone="+8801712345678",
        form={"item": "nid"}, channel=Channel.SELF, created_at=NOW, district_id=26)


class Answering(RestAgency):
    """The REST adapter with its HTTP call replaced by a fixed answer (no network here)."""

    def __init__(self, status: int, body: object = None, headers: dict | None = None) -> None:
        super().__init__("police", lambda: AgencyEndpoint("https://agency.invalid/api",
                                                          SPEC_SECRET),
                         connect_timeout=1, read_timeout=1, clock=NOW.timestamp)
        self.answer = (status, json.dumps(body).encode() if body is not None else b"",
                       headers or {})
        self.sent: list[tuple[bytes, dict[str, str]]] = []

    def _post(self, url, body, signed):
        self.sent.append((body, signed))
        return self.answer


@pytest.mark.parametrize("status", [200, 201, 202])
def test_an_answer_with_a_reference_is_accepted(status: int) -> None:
    receipt = Answering(status, {"reference": "GD-77"}).forward(application())
    assert receipt.reference == "GD-77"


def test_a_409_with_a_reference_means_the_agency_already_holds_it() -> None:
    assert Answering(409, {"reference": "GD-77"}).forward(application()).reference == "GD-77"


@pytest.mark.parametrize(("status", "body"), [(400, {"error": "bad"}), (404, None),
                                              (409, {"error": "clash"}), (422, {})])
def test_other_refusals_are_final(status: int, body: object) -> None:
    with pytest.raises(AgencyRefused):
        Answering(status, body).forward(application())


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retryable(status: int) -> None:
    with pytest.raises(AgencyUnavailable):
        Answering(status).forward(application())


def test_a_429_is_retryable_after_the_agencys_retry_after() -> None:
    with pytest.raises(AgencyUnavailable) as busy:
        Answering(429, None, {"retry-after": "120"}).forward(application())
    assert busy.value.retry_after == 120


def test_retry_after_as_an_http_date_counts_from_now() -> None:
    later = (NOW + timedelta(minutes=3)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry_after(later, NOW.timestamp()) == 180
    assert retry_after("soon", NOW.timestamp()) is None
    assert retry_after("999999999", NOW.timestamp()) == 12 * 60 * 60


def test_an_accepted_answer_without_a_reference_is_tried_again() -> None:
    with pytest.raises(AgencyUnavailable):
        Answering(200, {"ok": True}).forward(application())


def test_every_attempt_carries_the_same_webhook_id_and_a_valid_signature() -> None:
    agency = Answering(200, {"reference": "GD-1"})
    agency.forward(application())
    agency.forward(application())
    (first_body, first), (_, second) = agency.sent
    assert first["webhook-id"] == second["webhook-id"] == webhook_id("4726120151222826")
    assert webhooks.verify(SPEC_SECRET, first, first_body,
                           now=int(NOW.timestamp())) == first["webhook-id"]
    sent = json.loads(first_body)
    assert sent["tracking_id"] == "4726120151222826"
    assert sent["service_id"] == "online-gd-lost-item"
    assert sent["applicant"] == {"name": "রহিম", "phone": "+8801712345678"}


def test_a_plain_http_url_is_refused_unless_it_is_loopback() -> None:
    agency = RestAgency("police", lambda: AgencyEndpoint("http://agency.example", SPEC_SECRET),
                        connect_timeout=1, read_timeout=1)
    with pytest.raises(AgencyUnavailable, match="https"):
        agency.forward(application())


def test_the_desk_takes_every_application_for_its_officers_to_decide() -> None:
    receipt = DeskAgency("land").forward(application())
    assert receipt.reference is None
    assert receipt.under_review is True


# --- the circuit ---------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_the_circuit_opens_after_repeated_failures_and_lets_one_probe_through_later() -> None:
    clock, store = Clock(), FakeCircuits()
    circuit = Circuit(store, failures=3, open_seconds=60, clock=clock)
    for _ in range(2):
        circuit.failed("police")
    assert circuit.wait_seconds("police") == 0  # not yet
    circuit.failed("police")
    assert circuit.wait_seconds("police") == 60  # open: nobody calls
    clock.now += timedelta(seconds=45)
    assert circuit.wait_seconds("police") == 15

    clock.now += timedelta(seconds=20)
    assert circuit.wait_seconds("police") == 0  # this caller probes
    assert circuit.wait_seconds("police") == 60  # the others wait for the probe

    circuit.succeeded("police")
    assert circuit.wait_seconds("police") == 0
    assert store.get("police").failures == 0


def test_a_failed_probe_opens_the_circuit_again() -> None:
    clock, store = Clock(), FakeCircuits()
    circuit = Circuit(store, failures=2, open_seconds=30, clock=clock)
    circuit.failed("police")
    circuit.failed("police")
    clock.now += timedelta(seconds=31)
    assert circuit.wait_seconds("police") == 0
    circuit.failed("police")
    clock.now += timedelta(seconds=29)
    assert circuit.wait_seconds("police") > 0


def test_circuits_are_per_agency() -> None:
    circuit = Circuit(FakeCircuits(), failures=1, open_seconds=30, clock=Clock())
    circuit.failed("police")
    assert circuit.wait_seconds("police") > 0
    assert circuit.wait_seconds("land") == 0


def test_a_day_long_outage_costs_each_waiting_message_far_fewer_receives_than_the_limit(
) -> None:
    from chalicelib.settings import Settings
    from chalicelib.workers.dispatch import circuit_wait

    settings = Settings()
    # GIVEN the agency's circuit open for 24 hours, each probe failing
    elapsed, receives = 0, 0
    while elapsed < 24 * 60 * 60:
        receives += 1
        remaining = settings.circuit_open_seconds
        elapsed += circuit_wait(receives, remaining, settings)
    # THEN a waiting message was received well under the queue's receive limit, and the
    # retry window (which would move it to the dead-letter queue) is longer than the day
    assert receives < settings.max_receive_count // 4
    assert settings.retry_window_hours * 3600 > 24 * 60 * 60
    # AND it waits no longer than the longest backoff once the agency is back
    assert circuit_wait(receives, 0, settings) <= settings.retry_max_seconds
