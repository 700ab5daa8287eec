"""The fixed choices of knowledge articles and network knowledge notes, with their labels in the user's language."""

from flask_babel import lazy_gettext as _l

GOOD_EXAMPLE, GUIDANCE, LESSON, NEWS = "gott_exempel", "stodmaterial", "erfarenhet", "nyhet"
KINDS = {
    GOOD_EXAMPLE: _l("Gott exempel"),
    GUIDANCE: _l("Stödmaterial och vägledning"),
    LESSON: _l("Erfarenhet"),
    NEWS: _l("Nyhet"),
}

DRAFT, REVIEW, PUBLISHED, ARCHIVED = "utkast", "granskning", "publicerad", "arkiverad"
STATUSES = {
    DRAFT: _l("Utkast"),
    REVIEW: _l("Väntar på granskning"),
    PUBLISHED: _l("Publicerad"),
    ARCHIVED: _l("Arkiverad"),
}
# Where an article may go from each status, by the action's name.
TRANSITIONS = {
    "submit": ((DRAFT,), REVIEW),
    "return": ((REVIEW,), DRAFT),
    "publish": ((REVIEW, PUBLISHED), PUBLISHED),  # from published: its waiting revision
    "archive": ((PUBLISHED,), ARCHIVED),
    "restore": ((ARCHIVED,), DRAFT),
}

PUBLIC, SIGNED_IN, STAFF_ONLY = "alla", "inloggade", "personal"
VISIBILITIES = {
    PUBLIC: _l("Alla, även utan inloggning"),
    SIGNED_IN: _l("Inloggade användare"),
    STAFF_ONLY: _l("Myndighetens personal"),
}

NEWEST, OLDEST, TITLE, RELEVANCE = "nyast", "aldst", "titel", "relevans"
SORTS = {NEWEST: _l("Nyast först"), OLDEST: _l("Äldst först"), TITLE: _l("Titel A–Ö"), RELEVANCE: _l("Bäst träff")}

TOPICS = {
    "leverantorer": _l("Leverantörer vi sett"),
    "standarder": _l("Standarder och krav"),
    "trender": _l("Trender och innovation"),
    "priser": _l("Priser och kostnader"),
    "ovrigt": _l("Övrigt"),
}
