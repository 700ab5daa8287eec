"""Writes to the organisation registry."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from blueprints.core.db import DomainError, db
from blueprints.organisations.models import Organisation


def save_organisation(
    *,
    organisation: Organisation | None,
    name: str,
    org_number: str,
    kind: str,
    county_code: str,
    municipality_code: str | None,
    annual_volume_sek: int | None,
) -> Organisation:
    """Create (organisation=None) or update an organisation; the organisationsnummer must be unique."""
    clash = db.session.scalar(sa.select(Organisation).where(Organisation.org_number == org_number))
    if clash is not None and clash is not organisation:
        raise DomainError(
            str(_l("Organisationsnumret finns redan i registret (%(name)s).", name=clash.name)), field="org_number"
        )
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    organisation.name = name.strip()
    organisation.org_number = org_number
    organisation.kind = kind
    organisation.county_code = county_code
    organisation.municipality_code = municipality_code or None
    organisation.annual_volume_sek = annual_volume_sek
    db.session.flush()
    return organisation


def guess_kind(org_number: str) -> str:
    """The kind of a public body from its organisationsnummer's group (212… kommun, 2321… region, 202… state)."""
    if org_number.startswith("212"):
        return "kommun"
    if org_number.startswith(("2321", "2320")):
        return "region"
    if org_number.startswith(("202", "2021")):
        return "statlig_myndighet"
    return "ovrig"
