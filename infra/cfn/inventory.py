"""What the code defines, read from the code itself: tables, agency queues, SSM
parameters and Lambda functions.

The stage's names come from ``chalicelib.settings`` and the functions from the Chalice
app, whose SQS workers are registered at import time with stage-specific queue names:
so ``NAGORIK_STAGE`` must name the stage before anything from ``backend/`` is imported
(``infra/package.py`` sees to that, and ``inventory()`` checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalice.utils import to_cfn_resource_name


def logical_id(name: str) -> str:
    """A CloudFormation logical id from a resource name: ``agency-police-dlq`` ->
    ``AgencyPoliceDlq``."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("_", "-").split("-"))


@dataclass(frozen=True)
class Table:
    """A DynamoDB table as a PynamoDB model defines it."""

    suffix: str  # "applications": the name is nagorik-<stage>-<suffix>
    name: str
    key_schema: list[dict[str, str]]
    attribute_definitions: list[dict[str, str]]
    global_secondary_indexes: list[dict[str, Any]]
    ttl_attribute: str | None
    stream_view_type: str | None = None  # a worker consumes its stream

    @property
    def logical_id(self) -> str:
        """``ApplicationsTable``."""
        return logical_id(self.suffix) + "Table"


@dataclass(frozen=True)
class QueuePair:
    """A work queue and its dead-letter queue: an agency's, or the notifications' (SMS)."""

    agency_id: str | None  # None: not an agency's queue
    name: str
    dead_letter_name: str
    purpose: str = "agency"

    @property
    def stem(self) -> str:
        """``AgencyPolice``, ``Notifications``."""
        if self.agency_id is not None:
            return "Agency" + logical_id(self.agency_id)
        return logical_id(self.purpose)

    @property
    def logical_id(self) -> str:
        """``AgencyPoliceQueue``."""
        return self.stem + "Queue"

    @property
    def dead_letter_logical_id(self) -> str:
        """``AgencyPoliceDeadLetterQueue``."""
        return self.stem + "DeadLetterQueue"


AgencyQueue = QueuePair  # the name the agency parts of infra/ use


@dataclass(frozen=True)
class Function:
    """A Lambda function of the Chalice app."""

    name: str  # Chalice's name: api_handler, dispatch_police, sweep_outbox
    kind: str  # "api", "sqs", "stream", "schedule" or "authorizer"
    queue: str | None = None  # the queue an SQS consumer reads
    batch_size: int | None = None
    table: str | None = None  # the table whose stream a stream consumer reads

    @property
    def logical_id(self) -> str:
        """The logical id Chalice gives the function (``APIHandler``, ``DispatchPolice``)."""
        return "APIHandler" if self.kind == "api" else to_cfn_resource_name(self.name)

    @property
    def role_logical_id(self) -> str:
        """The logical id of the role Chalice makes for it (``autogen_policy: false``)."""
        return to_cfn_resource_name(f"{self.name}_role")

    @property
    def log_group_logical_id(self) -> str:
        """The log group Chalice makes for it (``log_retention_in_days``)."""
        return to_cfn_resource_name(f"{self.name}-log-group")

    @property
    def event_logical_id(self) -> str:
        """The name of its event in the SAM function's ``Events`` (as Chalice names it)."""
        kind = "sqs" if self.kind == "sqs" else "dynamodb"
        return to_cfn_resource_name(f"{self.name}-{kind}-event-source")


@dataclass(frozen=True)
class Inventory:
    """Everything the code of one stage defines that the template must create."""

    settings: Any  # chalicelib.settings.Settings
    tables: tuple[Table, ...]
    queues: tuple[QueuePair, ...]
    parameters: dict[str, str]  # SSM path -> starting value
    functions: tuple[Function, ...]
    stream_failures_queue: str = ""  # where stream event sources report what they gave up

    def table(self, suffix: str) -> Table:
        """The table named ``nagorik-<stage>-<suffix>``."""
        for table in self.tables:
            if table.suffix == suffix:
                return table
        raise KeyError(f"the code defines no table {suffix!r}")

    def queue_of(self, function: Function) -> QueuePair:
        """The queue an SQS consumer reads."""
        for queue in self.queues:
            if queue.name == function.queue:
                return queue
        raise KeyError(f"{function.name} reads {function.queue}, which no queue pair is")

    @property
    def agency_queues(self) -> tuple[QueuePair, ...]:
        """The agencies' queues only."""
        return tuple(queue for queue in self.queues if queue.agency_id is not None)

    @property
    def notifications(self) -> QueuePair:
        """The SMS worker's queue."""
        return next(queue for queue in self.queues if queue.purpose == "notifications")

    def function_name(self, function: Function) -> str:
        """The deployed name: ``nagorik-<stage>-<chalice name>``."""
        return self.settings.resource(function.name)


def _tables(settings: Any) -> tuple[Table, ...]:
    from chalicelib.store import models

    models.bind(settings)
    prefix = settings.resource("")
    tables = []
    for model in models.MODELS:
        schema = model._get_schema()
        table_name = model.Meta.table_name
        if not table_name.startswith(prefix):
            raise ValueError(f"{model.__name__} is bound to {table_name}, not a {prefix}* name")
        tables.append(Table(
            suffix=table_name.removeprefix(prefix),
            name=table_name,
            key_schema=[dict(key) for key in schema["key_schema"]],
            attribute_definitions=[dict(item) for item in schema["attribute_definitions"]],
            global_secondary_indexes=[
                {
                    "IndexName": index["index_name"],
                    "KeySchema": [dict(key) for key in index["key_schema"]],
                    "Projection": dict(index["projection"]),
                }
                for index in schema["global_secondary_indexes"]
            ],
            ttl_attribute=models.TTL_ATTRIBUTES.get(model),
            stream_view_type=models.STREAMS.get(model),
        ))
        if schema["local_secondary_indexes"]:
            raise ValueError(f"{model.__name__}: local secondary indexes are not templated")
    return tuple(tables)


def _functions(app: Any, tables: tuple[Table, ...]) -> tuple[Function, ...]:
    from chalice.app import DynamoDBEventConfig, ScheduledEventConfig, SQSEventConfig

    found = [Function("api_handler", "api")] if app.routes else []
    for source in app.event_sources:
        if isinstance(source, SQSEventConfig):
            if source.queue_arn:
                raise ValueError(f"{source.name}: workers must name their queue, not an ARN")
            found.append(Function(source.name, "sqs", source.queue, source.batch_size))
        elif isinstance(source, ScheduledEventConfig):
            found.append(Function(source.name, "schedule"))
        elif isinstance(source, DynamoDBEventConfig):
            table = next((table for table in tables if f":table/{table.name}/" in
                          source.stream_arn and table.stream_view_type), None)
            if table is None:
                raise ValueError(f"{source.name}: reads the stream of no streamed table")
            found.append(Function(source.name, "stream", batch_size=source.batch_size,
                                  table=table.suffix))
        else:
            raise ValueError(f"{source.name}: infra/ does not template {type(source).__name__}")
    for handler in app.builtin_auth_handlers:
        found.append(Function(handler.name, "authorizer"))
    if app.pure_lambda_functions or app.websocket_handlers:
        raise ValueError("the app has function kinds infra/cfn does not template yet")
    return tuple(found)


def inventory(stage: str) -> Inventory:
    """What the code defines for ``stage``; ``RuntimeError`` if the code was imported
    for another stage."""
    # Imported here, not at the top: NAGORIK_STAGE must be set first.
    from chalicelib.agencies.registry import agency_ids
    from chalicelib.settings import SSM_PARAMETERS, get_settings

    settings = get_settings()
    if settings.stage != stage:
        raise RuntimeError(
            f"the code was loaded for stage {settings.stage!r}, not {stage!r}: "
            f"set NAGORIK_STAGE={stage} before importing it"
        )
    from app import app

    tables = _tables(settings)
    return Inventory(
        settings=settings,
        tables=tables,
        queues=(*(
            QueuePair(
                agency, settings.queue_name(agency), settings.dead_letter_queue_name(agency)
            )
            for agency in agency_ids()
        ), QueuePair(None, settings.notifications_queue_name,
                     settings.notifications_dead_letter_queue_name, purpose="notifications")),
        parameters={settings.parameter(name): value for name, value in SSM_PARAMETERS.items()},
        functions=_functions(app, tables),
        stream_failures_queue=settings.outbox_failures_queue_name,
    )
