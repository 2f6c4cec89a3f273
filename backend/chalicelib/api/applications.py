"""Application routes: submit (idempotent), track, decide."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from chalice import Blueprint, Response

from ..aws import client
from ..domain.errors import Conflict, ServiceUnavailable
from ..domain.lifecycle import Application, Channel
from ..observability import logger, metrics
from ..runtime import runtime
from . import views
from .errors import json_response, translating
from .requests import idempotency_key, if_match_version, json_body, query

application_routes = Blueprint(__name__)


class Replayed(dict):
    """A stored answer returned again for a repeated ``Idempotency-Key``."""


def view_of(application: Application) -> dict[str, Any]:
    """The API's representation of an application."""
    current = runtime()
    return views.application(application, current.catalog, current.applications.due_by(application))


@cache
def _idempotent_submit() -> tuple[Callable[..., dict[str, Any]], Any]:
    """``submit`` wrapped in Powertools idempotency (DynamoDB records with a TTL).

    The key is the client's ``Idempotency-Key``; the body is hashed alongside it, so
    the same key with a different body is refused (409) instead of answered.
    """
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    settings = runtime().settings
    persistence = DynamoDBPersistenceLayer(
        table_name=settings.idempotency_table, boto3_client=client("dynamodb")
    )
    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="body",
        expires_after_seconds=settings.idempotency_ttl_seconds,
        response_hook=lambda response, _record: Replayed(response),
    )

    @idempotent_function(
        data_keyword_argument="request", persistence_store=persistence, config=config
    )
    def submit(request: dict[str, Any]) -> dict[str, Any]:
        application = runtime().applications.submit(
            request["body"], channel=Channel(request["channel"]), actor=request["actor"]
        )
        logger.thread_safe_append_keys(tracking_id=application.tracking_id)
        metrics.add_dimension(name="service_id", value=application.service_id)
        metrics.add_metric(name="ApplicationsSubmitted", unit="Count", value=1)
        return view_of(application)

    return submit, config


def _submit_once(key: str, body: Any) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    submit, config = _idempotent_submit()
    context = application_routes.lambda_context
    if context is not None:
        config.register_lambda_context(context)  # an interrupted attempt expires with it
    try:
        return submit(request={"key": key, "body": body, "channel": "self", "actor": "citizen"})
    except IdempotencyValidationError:
        raise Conflict("idempotency_key_reused") from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict("request_in_progress") from None
    except IdempotencyPersistenceLayerError as error:
        raise ServiceUnavailable("service_unavailable") from error


@application_routes.route("/applications", methods=["POST"], content_types=["*/*"], cors=True)
@translating
def submit_application() -> Response:
    """Submit an application.

    Needs an ``Idempotency-Key`` header. 201 with the application (tracking id,
    status, history); 200 with the same answer when the key is sent again; 400
    (malformed JSON, missing key), 404 (unknown service), 409 (key reused with another
    body, outdated form), 413 (over 256 KB), 415 (not JSON), 422 (every invalid field).
    """
    request = application_routes.current_request
    body = json_body(request)
    key = idempotency_key(request)
    answer = _submit_once(key, body)
    status = 200 if isinstance(answer, Replayed) else 201
    location = {"Location": f"/applications/{answer['tracking_id']}"}
    return json_response(dict(answer), status, location)


@application_routes.route("/applications/{tracking_id}", methods=["GET"], cors=True)
@translating
def track_application(tracking_id: str) -> Response:
    """Status and history of an application, for its applicant's ``?phone=``.

    200; 404 for an unknown id or a phone that is not the applicant's (the same
    answer, so neither leaks); 422 for a tracking id whose check digit is wrong or a
    malformed phone (no lookup is made).
    """
    request = application_routes.current_request
    application = runtime().applications.track(tracking_id, query(request, "phone") or "")
    logger.thread_safe_append_keys(tracking_id=application.tracking_id)
    return json_response(view_of(application), headers={"Cache-Control": "no-store"})


@application_routes.route(
    "/applications/{tracking_id}/decisions", methods=["POST"], content_types=["*/*"], cors=True
)
@translating
def decide_application(tracking_id: str) -> Response:
    """An agency's decision: ``approve``, ``reject`` (with reason), ``needs_info`` (with what).

    200 with the application; 404 unknown id; 409 if it is not awaiting a decision or
    someone else decided first (also when ``If-Match`` names an old version); 422 for
    an invalid body.
    """
    request = application_routes.current_request
    body = json_body(request)
    current = runtime()
    application = current.applications.decide(
        tracking_id,
        body,
        channel=Channel.AGENCY_API,
        expected_version=if_match_version(request),
    )
    logger.thread_safe_append_keys(tracking_id=application.tracking_id)
    metrics.add_metric(name="Decisions", unit="Count", value=1)
    return json_response(view_of(application))
