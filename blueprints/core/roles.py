"""The four roles and who counts as agency staff."""

from flask_babel import lazy_gettext as _l

BUYER, FACILITATOR, MANAGER, ADMIN = "buyer", "facilitator", "manager", "admin"
ROLES = (BUYER, FACILITATOR, MANAGER, ADMIN)
STAFF = (FACILITATOR, MANAGER, ADMIN)
ROLE_LABELS = {
    BUYER: _l("Beställare"),
    FACILITATOR: _l("Facilitator"),
    MANAGER: _l("Chef"),
    ADMIN: _l("Administratör"),
}
