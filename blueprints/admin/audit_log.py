"""The audit log as people read it: who did what to which object (linked), which fields changed from what to
what, in Swedish time and the reader's language. The names come from the areas (``add_audit_names``)."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.core.i18n import date_time, number
from blueprints.core.models import AuditEvent
from blueprints.core.registry import areas

# The fields people recognise, named as the forms name them; others are shown by their own name.
FIELD_LABELS = {
    "title": _l("Titel"),
    "name": _l("Namn"),
    "description": _l("Beskrivning"),
    "status": _l("Status"),
    "phase": _l("Fas"),
    "visibility": _l("Synlighet"),
    "email": _l("E-postadress"),
    "language": _l("Språk"),
    "is_active": _l("Aktiv"),
    "roles": _l("Roller"),
    "organisation_id": _l("Organisation (id)"),
    "facilitator_id": _l("Facilitator (id)"),
    "need_area_id": _l("Behovsområde (id)"),
    "org_number": _l("Organisationsnummer"),
    "county_code": _l("Län (kod)"),
    "kind": _l("Typ"),
    "role": _l("Roll"),
    "starts_at": _l("Börjar"),
    "ends_at": _l("Slutar"),
    "common_challenge": _l("Gemensam utmaning"),
    "annual_volume_sek": _l("Årlig volym (kr)"),
    "decision_reason": _l("Skäl till beslut"),
    "is_retired": _l("Avvecklat"),
}
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Change:
    """One field of an object: what it held before and after (empty for a new or removed object)."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ReadableEvent:
    """One audit event, in words."""

    at: str
    actor: str
    ip_address: str
    action: str
    summary: str
    object_label: str
    object_url: str | None
    changes: list[Change]


def _value(value: Any, field: str = "") -> str:
    """A stored value as a person reads it (an id as it is, without grouping)."""
    if value is None or value == "":
        return "–"
    if field == "id" or field.endswith("_id"):
        return str(value)
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, str) and MOMENT.match(value):
        try:
            return date_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _changes(event: AuditEvent) -> list[Change]:
    """The fields that changed; for a new or removed object, the fields it had a value in."""
    before, after = event.before or {}, event.after or {}
    fields = [name for name in dict.fromkeys([*after, *before]) if name != "id"]
    if not (before and after):
        fields = [name for name in fields if (after or before).get(name) not in (None, "", [])]
    return [
        Change(
            str(FIELD_LABELS.get(name, name)),
            _value(before.get(name), name) if before else "",
            _value(after.get(name), name) if after else "",
        )
        for name in fields
    ]


def _object(event: AuditEvent) -> tuple[str, str | None]:
    if not event.object_type:
        return "", None
    named = areas().audit_objects.get(event.object_type)
    label = f"{named.label if named else event.object_type} {event.object_id or ''}".strip()
    if named and named.endpoint and event.object_id and event.object_id.isdigit():
        values: dict[str, Any] = {named.id_arg: int(event.object_id)}
        return label, url_for(named.endpoint, **values)
    return label, None


def readable(event: AuditEvent) -> ReadableEvent:
    """The event in words (names registered by the areas; unknown ones as they are stored)."""
    label, url = _object(event)
    return ReadableEvent(
        at=date_time(event.at),
        actor=event.actor_email or "–",
        ip_address=event.ip_address or "",
        action=str(areas().audit_actions.get(event.action, event.action)),
        summary=event.summary or "",
        object_label=label,
        object_url=url,
        changes=_changes(event),
    )


def named_facets(actions: list[str], object_types: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The filter lists' choices, each with its name in words, in the order of those names."""
    registry = areas()

    def named(values: list[str], names: dict[str, Any]) -> list[tuple[str, str]]:
        def name_of(value: str) -> str:
            found = names.get(value, value)
            return str(getattr(found, "label", found))

        return sorted(((value, name_of(value)) for value in values), key=lambda pair: pair[1].casefold())

    return named(actions, registry.audit_actions), named(object_types, registry.audit_objects)
