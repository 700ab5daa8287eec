"""The fixed choices of a challenge, with their labels in the user's language."""

from flask_babel import lazy_gettext as _l

DRAFT, SUBMITTED, RETURNED, REVIEWED, MATCHED, ARCHIVED = (
    "draft",
    "submitted",
    "returned",
    "reviewed",
    "matched",
    "archived",
)
STATUSES = {
    DRAFT: _l("Utkast"),
    SUBMITTED: _l("Inskickad"),
    RETURNED: _l("Återlämnad för komplettering"),
    REVIEWED: _l("Granskad"),
    MATCHED: _l("Matchad"),
    ARCHIVED: _l("Arkiverad"),
}
# Statuses that anyone signed in may see when the challenge is visible to all.
PUBLISHED = (SUBMITTED, REVIEWED, MATCHED)
# Statuses in which the buyer may still edit.
EDITABLE = (DRAFT, RETURNED)

INNOVATION_LEVELS = {
    "existing": _l("Befintlig lösning finns"),
    "adaptation": _l("Anpassning behövs"),
    "new": _l("Ny lösning behövs"),
}
NETWORK_INTEREST = {"yes": _l("Ja"), "maybe": _l("Kanske"), "no": _l("Nej")}
VISIBILITY = {"all": _l("Alla inloggade användare"), "staff": _l("Endast myndighetens medarbetare")}
QUARTERS = {1: _l("Kvartal 1"), 2: _l("Kvartal 2"), 3: _l("Kvartal 3"), 4: _l("Kvartal 4")}
SORTS = {
    "newest": _l("Senast ändrade först"),
    "title": _l("Titel A–Ö"),
    "volume": _l("Störst volym först"),
    "planned": _l("Planerad upphandling, tidigast först"),
}
