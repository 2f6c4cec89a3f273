"""Every environment variable the platform reads, typed, in one place.

Names of tables, queues and parameters are derived here from the app name and the
stage, so the code, the local stack and the infra templates agree on them. Stage
values (memory, concurrency, alarm e-mail, ...) live in ``chalice.json``; nothing
else reads ``os.environ``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# SSM parameters the code reads (under /<app>/<stage>/), with the value a new stage
# starts with. The local stack and the infra templates create exactly these.
HOLIDAYS_PARAMETER = "holidays"  # JSON list of ISO dates: public holidays for SLAs
SSM_PARAMETERS: dict[str, str] = {HOLIDAYS_PARAMETER: "[]"}
# Secrets ops keep as SecureStrings (CloudFormation cannot make those: the deploy guide
# says how); the local stack makes random ones.
PEPPER_PARAMETER = "secrets/pepper"  # HMAC key for sign-in codes and limit keys
SMS_URL_PARAMETER = "sms/url"  # the SMS aggregator's send endpoint
SMS_KEY_PARAMETER = "sms/api-key"  # its credential
SMS_SENDER_PARAMETER = "sms/sender"  # the masking name messages come from
RECEIPT_KEY_PARAMETER = "secrets/receipt-key"  # HMAC key of receipts' check codes
SECURE_PARAMETERS: tuple[str, ...] = (PEPPER_PARAMETER, SMS_KEY_PARAMETER,
                                      RECEIPT_KEY_PARAMETER)
# An agency with an API: its base URL and its whsec_ signing secret (a SecureString),
# under /<app>/<stage>/agencies/<agency id>/.
AGENCY_PARAMETERS = "agencies"


def agency_url_parameter(agency_id: str) -> str:
    """The SSM name of an agency's base URL."""
    return f"{AGENCY_PARAMETERS}/{agency_id}/url"


def agency_secret_parameter(agency_id: str) -> str:
    """The SSM name of an agency's signing secret."""
    return f"{AGENCY_PARAMETERS}/{agency_id}/secret"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """The platform's configuration, read once per process."""

    app_name: str = "nagorik"
    stage: str = "dev"
    region: str = "ap-south-1"
    endpoint_url: str | None = None  # AWS_ENDPOINT_URL: set for moto, unset for AWS
    # ``https://sqs.<region>.amazonaws.com/<account>/``: queue URLs without a lookup.
    queue_url_prefix: str | None = None
    schemas_dir: Path = Path(__file__).parent / "schemas"
    max_body_bytes: int = 256 * 1024
    idempotency_ttl_seconds: int = 24 * 60 * 60
    page_limit_max: int = 100
    # Simulated agencies (until an agency's own interface is connected).
    allow_simulator: bool = True
    simulator_latency_ms: int = 300
    simulator_failure_rate: float = 0.0
    # Worker retries: visibility backoff after the n-th failed receive.
    retry_base_seconds: int = 30
    retry_max_seconds: int = 15 * 60
    # A backstop only: the worker itself moves a message to the dead-letter queue when it
    # can never be processed or has waited past ``retry_window_hours``; SQS counts every
    # receive, including each one made while an agency's circuit is open.
    max_receive_count: int = 500
    retry_window_hours: int = 72
    # Agencies with an API: call timeouts, and the circuit that stops calling one that
    # keeps failing (``circuit_failures`` in a row open it for ``circuit_open_seconds``).
    agency_connect_timeout_seconds: float = 3.0
    agency_read_timeout_seconds: float = 10.0
    circuit_failures: int = 5
    circuit_open_seconds: int = 60
    # Locally: a JSON file of {agency_id: {adapter, url, secret}} overriding agencies.json
    # and SSM, so a tester can point one agency at their own server.
    agencies_file: Path | None = None
    queue_visibility_seconds: int = 120
    log_level: str = "INFO"
    # Browser origins other than the web app's own that may call the API (CORS).
    cors_origins: tuple[str, ...] = ()
    # SMS: "aggregator" (the HTTP API in SSM) or "local" (a file the local stack serves).
    sms_adapter: str = "aggregator"
    sms_outbox_file: Path | None = None
    # Public tracking by id and phone: requests per address (IP) per 10 minutes.
    track_per_address: int = 120
    # Sign-in codes sent per address (IP) per hour (many phones share one behind mobile NAT).
    code_sends_per_address: int = 120
    # The wait before a phone may be sent another sign-in code.
    code_resend_seconds: int = 60
    # The web app's address, for the verify URL a receipt's QR code carries
    # (``https://example.gov.bd``); unset, the address the request came to.
    site_url: str | None = None

    def resource(self, suffix: str) -> str:
        """The name of a stage's table, queue or topic: ``nagorik-dev-applications``."""
        return f"{self.app_name}-{self.stage}-{suffix}"

    @property
    def applications_table(self) -> str:
        """The applications table."""
        return self.resource("applications")

    @property
    def counters_table(self) -> str:
        """The pre-aggregated counts table."""
        return self.resource("counters")

    @property
    def idempotency_table(self) -> str:
        """Idempotency-Key claims."""
        return self.resource("idempotency")

    @property
    def outbox_table(self) -> str:
        """Messages written with each move, forwarded by the table's stream."""
        return self.resource("outbox")

    @property
    def outbox_stream_arn(self) -> str:
        """The ARN Chalice registers the outbox stream handler with.

        A stream's ARN carries its creation time, unknown until the table exists: the
        deploy template replaces this with the table's ``StreamArn``, and the local
        stack finds the stream by the table name in it.
        """
        return (f"arn:aws:dynamodb:{self.region}:000000000000:table/{self.outbox_table}"
                "/stream/latest")

    @property
    def outbox_failures_queue_name(self) -> str:
        """Where the outbox stream's event source reports records it gave up on."""
        return self.resource("outbox-failures")

    @property
    def notifications_queue_name(self) -> str:
        """The SMS worker's queue."""
        return self.resource("notifications")

    @property
    def notifications_dead_letter_queue_name(self) -> str:
        """Where SMS that could never be sent wait."""
        return self.resource("notifications-dlq")

    @property
    def token_key_alias(self) -> str:
        """The KMS key that signs access tokens (asymmetric, ECC P-256)."""
        return f"alias/{self.resource('tokens')}"

    def queue_name(self, agency_id: str) -> str:
        """The queue an agency's worker consumes."""
        return self.resource(f"agency-{agency_id}")

    def dead_letter_queue_name(self, agency_id: str) -> str:
        """Where an agency's poison messages wait to be redriven."""
        return self.resource(f"agency-{agency_id}-dlq")

    def parameter(self, name: str) -> str:
        """The SSM parameter path of a setting ops can change without a deploy."""
        return f"/{self.app_name}/{self.stage}/{name}"


@cache
def get_settings() -> Settings:
    """Read the environment once."""
    env = os.environ
    return Settings(
        app_name=env.get("NAGORIK_APP_NAME", "nagorik"),
        stage=env.get("NAGORIK_STAGE", "dev"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-south-1",
        endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        queue_url_prefix=env.get("NAGORIK_QUEUE_URL_PREFIX") or None,
        schemas_dir=Path(env.get("NAGORIK_SCHEMAS_DIR") or Path(__file__).parent / "schemas"),
        max_body_bytes=_int("NAGORIK_MAX_BODY_BYTES", 256 * 1024),
        idempotency_ttl_seconds=_int("NAGORIK_IDEMPOTENCY_TTL_SECONDS", 24 * 60 * 60),
        allow_simulator=_bool("NAGORIK_ALLOW_SIMULATOR", True),
        simulator_latency_ms=_int("NAGORIK_SIMULATOR_LATENCY_MS", 300),
        simulator_failure_rate=_float("NAGORIK_SIMULATOR_FAILURE_RATE", 0.0),
        retry_base_seconds=_int("NAGORIK_RETRY_BASE_SECONDS", 30),
        retry_max_seconds=_int("NAGORIK_RETRY_MAX_SECONDS", 15 * 60),
        max_receive_count=_int("NAGORIK_MAX_RECEIVE_COUNT", 500),
        retry_window_hours=_int("NAGORIK_RETRY_WINDOW_HOURS", 72),
        agency_connect_timeout_seconds=_float("NAGORIK_AGENCY_CONNECT_TIMEOUT_SECONDS", 3.0),
        agency_read_timeout_seconds=_float("NAGORIK_AGENCY_READ_TIMEOUT_SECONDS", 10.0),
        circuit_failures=_int("NAGORIK_CIRCUIT_FAILURES", 5),
        circuit_open_seconds=_int("NAGORIK_CIRCUIT_OPEN_SECONDS", 60),
        agencies_file=Path(env["NAGORIK_AGENCIES_FILE"]) if env.get("NAGORIK_AGENCIES_FILE")
        else None,
        queue_visibility_seconds=_int("NAGORIK_QUEUE_VISIBILITY_SECONDS", 120),
        log_level=env.get("LOG_LEVEL", "INFO"),
        cors_origins=tuple(origin.strip() for origin in
                           (env.get("NAGORIK_CORS_ORIGINS") or "").split(",") if origin.strip()),
        sms_adapter=env.get("NAGORIK_SMS_ADAPTER") or "aggregator",
        sms_outbox_file=Path(env["NAGORIK_SMS_OUTBOX"]) if env.get("NAGORIK_SMS_OUTBOX")
        else None,
        track_per_address=_int("NAGORIK_TRACK_PER_ADDRESS", 120),
        code_sends_per_address=_int("NAGORIK_CODE_SENDS_PER_ADDRESS", 120),
        code_resend_seconds=_int("NAGORIK_CODE_RESEND_SECONDS", 60),
        site_url=(env.get("NAGORIK_SITE_URL") or "").rstrip("/") or None,
    )


def reset_settings() -> None:
    """Forget the cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
