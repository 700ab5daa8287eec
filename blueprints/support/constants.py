"""The fixed choices of support requests and bookings, with their labels in the user's language."""

from flask_babel import lazy_gettext as _l

# The procurement project's phase.
PROJECT_PHASES = {
    "behovsanalys": _l("Behovsanalys"),
    "marknadsanalys": _l("Marknadsanalys och tidig dialog"),
    "upphandlingsdokument": _l("Upphandlingsdokument"),
    "annonsering": _l("Annonsering och utvärdering"),
    "avtal": _l("Avtal och uppföljning"),
}

WORKSHOP, DIALOGUE, REVIEW, PROJECT_MEETING, SOUNDING_BOARD = (
    "workshop",
    "dialogmote",
    "processgranskning",
    "projektmote",
    "bollplank",
)
SUPPORT_KINDS = {
    WORKSHOP: _l("Workshop"),
    DIALOGUE: _l("Dialogmöte med leverantörer"),
    REVIEW: _l("Processgranskning och förbättringsförslag"),
    PROJECT_MEETING: _l("Deltagande i projektmöte"),
    SOUNDING_BOARD: _l("Bollplank"),
}
# Session lengths in minutes until a facilitator sets their own.
DEFAULT_SESSION_MINUTES = {WORKSHOP: 180, DIALOGUE: 120, REVIEW: 120, PROJECT_MEETING: 60, SOUNDING_BOARD: 60}

ON_SITE, DIGITAL = "plats", "digitalt"
FORMATS = {ON_SITE: _l("På plats"), DIGITAL: _l("Digitalt")}

RECEIVED, ASSESSING, GRANTED, DECLINED, ONGOING, CLOSED = (
    "inkommen",
    "bedoms",
    "beviljad",
    "avslagen",
    "pagar",
    "avslutad",
)
REQUEST_STATUSES = {
    RECEIVED: _l("Inkommen"),
    ASSESSING: _l("Under bedömning"),
    GRANTED: _l("Beviljad"),
    DECLINED: _l("Avslagen"),
    ONGOING: _l("Pågår"),
    CLOSED: _l("Avslutad"),
}
# Where a request may go from each status.
TRANSITIONS = {
    RECEIVED: (ASSESSING, GRANTED, DECLINED, CLOSED),  # closed: withdrawn by the buyer before a decision
    ASSESSING: (GRANTED, DECLINED, CLOSED),
    GRANTED: (ONGOING, CLOSED),
    DECLINED: (),
    ONGOING: (CLOSED,),
    CLOSED: (),
}
OPEN_STATUSES = (RECEIVED, ASSESSING)  # waiting for a decision
BOOKABLE_STATUSES = (GRANTED, ONGOING)

BOOKED, DONE, CANCELLED, NO_SHOW = "bokad", "genomford", "avbokad", "uteblev"
BOOKING_STATUSES = {BOOKED: _l("Bokad"), DONE: _l("Genomförd"), CANCELLED: _l("Avbokad"), NO_SHOW: _l("Uteblev")}

ABSENCE, EXTRA = "franvaro", "extra"
EXCEPTION_KINDS = {ABSENCE: _l("Frånvaro"), EXTRA: _l("Extra tid")}

WEEKDAYS = (
    _l("måndag"),
    _l("tisdag"),
    _l("onsdag"),
    _l("torsdag"),
    _l("fredag"),
    _l("lördag"),
    _l("söndag"),
)

# The longest a booking can block a facilitator: a session of at most 480 minutes plus a buffer of at most
# 240 (the rules form's and facilitator_profile's limits). Calendar reads use it to bound their index range.
LONGEST_BLOCK_MINUTES = 480 + 240

FIRST_RESPONSE_WORKING_DAYS = 5
FEEDBACK_DAYS = 30

# The queue's age filter: past the first-response target (None), or submitted more than N days ago.
AGE_FILTERS = {
    "forsenad": (_l("Över svarstiden (5 arbetsdagar)"), None),
    "7": (_l("Äldre än 7 dagar"), 7),
    "30": (_l("Äldre än 30 dagar"), 30),
}

# How often a facilitator's sessions may start.
START_EVERY = {15: _l("Var 15:e minut"), 30: _l("Varje halvtimme"), 60: _l("Varje hel timme")}
