"""How the API shows domain objects: Bangla labels, Bangla digits, both calendars, ISO beside."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..domain import tracking
from ..domain.access import Role
from ..domain.bangla import format_gregorian_bn, format_moment_bn, to_bangla_date
from ..domain.catalog import Catalog
from ..domain.lifecycle import Application, HistoryEntry, Status

# Decided (or withdrawn): no deadline is shown any more, however the office counted it.
FINISHED = frozenset({Status.APPROVED, Status.REJECTED, Status.DELIVERED, Status.CANCELLED})


def day_view(day: date) -> dict[str, str]:
    """A day in both calendars, Bangla digits, with the ISO date beside."""
    return _day(day)


def _day(day: date) -> dict[str, str]:
    return {
        "date": day.isoformat(),
        "date_bn": format_gregorian_bn(day),
        "bangla_date_bn": to_bangla_date(day).format(),
    }


def history_entry(entry: HistoryEntry, *, staff: bool = False) -> dict[str, Any]:
    """One history line as a citizen reads it (``staff``: with who exactly, by id)."""
    return {
        "status": entry.status.value,
        "status_bn": entry.status.label.bn,
        "status_en": entry.status.label.en,
        "at": entry.at.isoformat(),
        **{f"at_{key}": value for key, value in format_moment_bn(entry.at).items()},
        # "officer:u-..." for staff; the citizen sees only which kind of person it was
        "actor": entry.actor if staff else entry.actor.split(":", 1)[0],
        "channel": entry.channel.value,
        "reason": entry.reason,
    }


def application_for(app: Application, catalog: Catalog, audience: Role | None
                    ) -> dict[str, Any]:
    """An application as ``audience`` sees it: the applicant (and the public tracking
    page) without the form; staff of its centre or agency with the form and the applicant."""
    view = application(app, catalog)
    if app.assisted is not None:
        view["assisted"] = assisted(app, staff=audience in (Role.OFFICER, Role.ENTREPRENEUR))
    if audience in (Role.OFFICER, Role.ENTREPRENEUR):
        view["history"] = [history_entry(item, staff=True) for item in app.history]
        view.update(applicant={"name": app.applicant_name, "phone": app.applicant_phone},
                    form=app.form, centre_id=app.centre_id,
                    dispatch_failure=app.dispatch_failure)
    if audience is Role.OFFICER:
        view.update(form_fields=form_fields(app, catalog), consent=app.consent)
    return view


def form_fields(app: Application, catalog: Catalog) -> list[dict[str, Any]]:
    """The form as the desk shows it: each answered field with its labels, in form order."""
    if app.service_id not in catalog.entries:
        return []
    return [
        {"name": name, "label_bn": label.bn, "label_en": label.en, "value": app.form[name]}
        for name, label in catalog.service(app.service_id).field_labels() if name in app.form
    ]


def desk_row(app: Application, catalog: Catalog, *, overdue: bool) -> dict[str, Any]:
    """One line of an officer's queue: no form, the deadline and whether it is past."""
    entry = catalog.entries.get(app.service_id)
    return {
        "tracking_id": app.tracking_id,
        "tracking_id_bn": tracking.display(app.tracking_id, bangla=True),
        "service_id": app.service_id,
        "service_title": entry.title._asdict() if entry else None,
        "status": app.status.value,
        "status_bn": app.status.label.bn,
        "status_en": app.status.label.en,
        "channel": app.channel.value,
        "created_at": app.created_at.isoformat(),
        "since": (app.updated_at or app.created_at).isoformat(),
        "due_by": _day(app.due_by) if app.due_by else None,
        "overdue": overdue,
        "version": app.version,
    }
def assisted(app: Application, *, staff: bool) -> dict[str, Any]:
    """How an application made at a centre was made: the centre, consent, fee and charge.

    A consent recorded without a code is flagged (``consent_recorded``) for the agency;
    its reason and the entrepreneur's id are shown to staff only.
    """
    record = app.assisted
    assert record is not None
    view = {"centre_id": app.centre_id, "consent": app.consent,
            "consent_recorded": app.consent == "no_code", **record.view()}
    if staff:
        view.update(entrepreneur_id=record.entrepreneur_id,
                    consent_reason=record.consent_reason, mfs_reference=record.mfs_reference)
    return view


def _collect(app: Application, catalog: Catalog) -> dict[str, Any] | None:
    """Once approved: what the applicant gets and where (``where`` null: ask the agency)."""
    entry = catalog.entries.get(app.service_id)
    if app.status is not Status.APPROVED or entry is None:
        return None
    output = entry.summary.get("output") or {}
    if not output.get("name"):
        return None
    return {"kind": output.get("kind"), "name": output["name"], "where": output.get("where")}


def application(app: Application, catalog: Catalog) -> dict[str, Any]:
    """An application as its applicant (or centre) sees it: no form, no identifiers.

    ``due_by`` and ``sla_working_days`` are null once it is decided or cancelled;
    ``collect`` (what to get and where) is set while it is approved.
    """
    entry = catalog.entries.get(app.service_id)
    agency = catalog.agency_name(app.agency_id)
    undecided = app.status not in FINISHED
    return {
        "tracking_id": app.tracking_id,
        "tracking_id_display": tracking.display(app.tracking_id),
        "tracking_id_bn": tracking.display(app.tracking_id, bangla=True),
        "service_id": app.service_id,
        "service_version": app.service_version,
        "service_title": entry.title._asdict() if entry else None,
        "agency_id": app.agency_id,
        "agency_name": agency._asdict() if agency else None,
        "status": app.status.value,
        "status_bn": app.status.label.bn,
        "status_en": app.status.label.en,
        "channel": app.channel.value,
        "created_at": app.created_at.isoformat(),
        **{f"created_{key}": value for key, value in format_moment_bn(app.created_at).items()},
        "updated_at": (app.updated_at or app.created_at).isoformat(),
        "due_by": _day(app.due_by) if app.due_by and undecided else None,
        "sla_working_days": catalog.service(app.service_id).sla_working_days_for(app.form)
        if entry is not None and undecided else None,
        "collect": _collect(app, catalog),
        "agency_ref": app.agency_ref,
        "version": app.version,
        "history": [history_entry(item) for item in app.history],
    }
