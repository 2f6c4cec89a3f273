"""The SMS worker: sign-in and consent codes, and every move a citizen is told of.

Messages come from the notifications queue (codes straight from the sign-in route;
moves from the outbox's stream). Each SMS is sent once in effect: Powertools'
idempotency keys the send on the message's own key (the challenge, or the
application's history entry), so a message delivered twice texts the phone once.
Failed records alone are reported back (partial batch response); an aggregator that
is down makes them come back later, and one that refuses a message for good lets it
reach the notifications dead-letter queue.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from ..domain.errors import AgencyError, PoisonMessage
from ..domain.phone import mask
from ..observability import logger, metrics
from ..runtime import runtime
from ..settings import get_settings

if TYPE_CHECKING:  # the SMS worker's alone: the API's cold start imports none of them
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from ..domain.notifications import Notifier, Sms

notification_routes = Blueprint(__name__)
BATCH_SIZE = 10
SENT_KEPT_SECONDS = 24 * 3600  # a redelivery within a day is recognised


class CatalogNames:
    """``ServiceNames`` from the catalog."""

    def __init__(self, catalog: Any) -> None:
        self.catalog = catalog

    def sms_name(self, service_id: str) -> str:
        entry = self.catalog.entries.get(service_id)
        return entry.title.bn if entry else service_id

    def output_name(self, service_id: str) -> str:
        entry = self.catalog.entries.get(service_id)
        output = (entry.summary.get("output") or {}).get("name") if entry else None
        return str(output["bn"]) if output else "ফলাফল"


class OnceSms:
    """An ``SmsPort`` that sends each message key at most once (Powertools idempotency)."""

    def __init__(self, port: Any, context: Any = None) -> None:
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        from ..aws import client

        config = IdempotencyConfig(event_key_jmespath="key",
                                   expires_after_seconds=SENT_KEPT_SECONDS)
        if context is not None:
            config.register_lambda_context(context)
        persistence = DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table,
                                               boto3_client=client("dynamodb"))

        @idempotent_function(data_keyword_argument="sms", persistence_store=persistence,
                             config=config, key_prefix="sms")
        def send_once(sms: dict[str, str]) -> dict[str, str]:
            from ..domain.notifications import Sms

            port.send(Sms(sms["phone"], sms["text"], sms["key"]))
            return {"sent": sms["key"]}

        self._send = send_once

    def send(self, sms: Sms) -> None:
        """Send unless a message with this key was sent already."""
        self._send(sms={"phone": sms.phone, "text": sms.text, "key": sms.key})


@cache
def _port() -> Any:
    from ..sms import sms_port

    return sms_port(get_settings())


def notifier(context: Any = None) -> Notifier:
    """The notifier, over the application store and the once-only SMS port."""
    from ..domain.notifications import Notifier

    current = runtime()
    return Notifier(load=current.applications.store.get, names=CatalogNames(current.catalog),
                    sms=OnceSms(_port(), context))


def notify(record: SQSRecord, sender: Notifier) -> None:
    """Send the SMS one queue message asks for; raise to report it failed."""
    try:
        message = json.loads(record.body)
    except (TypeError, ValueError):
        raise PoisonMessage("notification is not JSON") from None
    kind = message.get("kind") if isinstance(message, dict) else None
    sms: Sms | None
    try:
        if kind == "code":
            sms = sender.code(str(message["phone"]), str(message["code"]),
                              str(message["purpose"]), key=f"code#{record.message_id}")
        elif kind == "transition":
            sms = sender.transition(str(message["tracking_id"]), int(message["step"]))
        else:
            raise PoisonMessage(f"unknown notification {kind!r}")
    except (KeyError, ValueError, TypeError):
        raise PoisonMessage("notification lacks what it needs") from None
    except AgencyError as error:
        logger.warning("SMS not sent; it will be tried again",
                       extra={"error": str(error), "retryable": error.retryable})
        metrics.add_metric(name="SmsFailed", unit="Count", value=1)
        raise
    if sms is not None:
        logger.info("notification sent", extra={"to": mask(sms.phone), "reference": sms.key})
        metrics.add_metric(name="SmsSent", unit="Count", value=1)


@notification_routes.on_sqs_message(queue=get_settings().notifications_queue_name,
                                    batch_size=BATCH_SIZE, name="send_notifications")
def send_notifications(event: Any) -> dict[str, Any]:
    """Send a batch of SMS; report the ones that failed."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    context = getattr(event, "context", None)
    sender = notifier(context)
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(process_partial_response(
        event=event.to_dict(), record_handler=lambda record: notify(record, sender),
        processor=processor, context=context,
    ))
