"""Who may do what with the organisation registry."""

from blueprints.core.access import Permission, Person
from blueprints.core.roles import ADMIN, FACILITATOR, STAFF
from blueprints.organisations.models import Organisation

SEE_REGISTRY = Permission("see_registry", STAFF)
EDIT_ORGANISATIONS = Permission("edit_organisations", (FACILITATOR, ADMIN))
PERMISSIONS = (SEE_REGISTRY, EDIT_ORGANISATIONS)


def may_see(organisation: Organisation, person: Person) -> bool:
    """Staff see every organisation; others only their own."""
    return person.is_staff or person.organisation_id == organisation.id
