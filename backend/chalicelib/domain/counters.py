"""The counter rows every move adds, in the same transaction as the move (what
``domain.stats`` reads back for ops): their scopes, one row per *family* of dimensions

    area#<district>#channel#<channel>#status#<status>#shard#<n>    district, channel, status
    service#<service>#agency#<agency>#status#<status>#shard#<n>     service, agency, status
    centre#<centre>#channel#<channel>#status#<status>                a centre's applications
    consent#no_code#centre#<centre>                                  consent taken without a code

and the rows the SLA job keeps of what is overdue now. Apart from the read side so that
a submission, which only writes them, never imports it.
"""

from __future__ import annotations

from datetime import timedelta

from .assisted import NO_CODE
from .lifecycle import Application, Channel, Status

SHARDS = 8
CHANNELS = (Channel.SELF.value, Channel.ASSISTED.value)
OVERDUE_DAY = "current"  # the partition of counts that are a state, not a day's flow
# How often the ops figures' job counts the days not yet finished from their rows.
LIVE_COUNT_EVERY = timedelta(minutes=1)


def shard_of(application: Application) -> int:
    """The shard of an application's rows (from its tracking id: random, so even)."""
    return int(application.tracking_id[-4:-1]) % SHARDS


def area_key(district_id: int, channel: str) -> str:
    """The ``area`` family's key (its rows' scope without status and shard)."""
    return f"area#{district_id:02d}#channel#{channel}"


def service_key(service_id: str, agency_id: str) -> str:
    """The ``service`` family's key (its rows' scope without status and shard)."""
    return f"service#{service_id}#agency#{agency_id}"


def scopes_for(application: Application, status: Status) -> list[str]:
    """The counter rows a move of ``application`` into ``status`` adds one to."""
    shard = f"shard#{shard_of(application):02d}"
    channel = application.channel.value
    found = [
        f"{area_key(application.district_id, channel)}#status#{status.value}#{shard}",
        f"{service_key(application.service_id, application.agency_id)}"
        f"#status#{status.value}#{shard}",
    ]
    if application.centre_id:
        found.append(f"centre#{application.centre_id}#channel#{channel}#status#{status.value}")
        if status is Status.SUBMITTED and application.consent == NO_CODE:
            found.append(f"consent#{NO_CODE}#centre#{application.centre_id}")
    return found


def overdue_scope(agency_id: str, service_id: str) -> str:
    """The row (under ``OVERDUE_DAY``) holding how many of a service's are overdue now."""
    return f"overdue#agency#{agency_id}#service#{service_id}"
