"""The fixed choices of networks and activities, with their labels in the user's language."""

from flask_babel import lazy_gettext as _l

INITIATE, START, RUN, CLOSED = "initiera", "starta", "driva", "avslutad"
PHASES = {INITIATE: _l("Initiera"), START: _l("Starta"), RUN: _l("Driva"), CLOSED: _l("Avslutad")}
PHASE_ORDER = list(PHASES)

HOST, MEMBER, OBSERVER = "vard", "medlem", "observator"
MEMBER_ROLES = {HOST: _l("Värd"), MEMBER: _l("Medlem"), OBSERVER: _l("Observatör")}
INVITED, ACTIVE, DECLINED, LEFT, APPLIED = "inbjuden", "aktiv", "avbojd", "lamnat", "ansokt"
MEMBER_STATUSES = {
    INVITED: _l("Inbjuden"),
    ACTIVE: _l("Aktiv"),
    DECLINED: _l("Avböjd"),
    LEFT: _l("Lämnat"),
    APPLIED: _l("Ansökt"),  # an organisation asked to join an open network; the host or the agency answers
}
# Organisations that belong to a network (may see it even when it is closed).
BELONGING = (INVITED, ACTIVE)

# What the agency's support model expects in each phase (initiera, starta, driva, avsluta).
CHECKLIST = {
    INITIATE: {
        "challenge": _l("Den gemensamma utmaningen är formulerad"),
        "host": _l("En värdorganisation har åtagit sig att leda nätverket"),
        "candidates": _l("Organisationer med samma behov är identifierade och tillfrågade"),
        "anchoring": _l("Behovet är förankrat hos ledningen i värdorganisationen"),
    },
    START: {
        "members": _l("Medlemmarna har tackat ja och utsett kontaktpersoner"),
        "goals": _l("Mål, arbetsform och tidplan är beslutade"),
        "meetings": _l("Mötesplan för det första året är satt"),
        "knowledge": _l("Marknads- och omvärldskunskap är sammanställd"),
    },
    RUN: {
        "dialogue": _l("Gemensam tidig marknadsdialog är genomförd och dokumenterad"),
        "equal_treatment": _l("Information till leverantörer är delad lika med alla"),
        "learning": _l("Lärdomar delas mellan medlemmarna"),
        "buyer_group": _l("En beställargrupp för en innovationsupphandling har övervägts"),
    },
    CLOSED: {
        "report": _l("Slutrapport med resultat och lärdomar är skriven"),
        "examples": _l("Goda exempel är publicerade"),
        "members_told": _l("Medlemmarna är informerade om avslutet"),
    },
}

MEETING, MARKET_DIALOGUE, STUDY_VISIT, WORKSHOP = "natverksmote", "marknadsdialog", "studiebesok", "workshop"
ACTIVITY_KINDS = {
    MEETING: _l("Nätverksmöte"),
    MARKET_DIALOGUE: _l("Marknadsdialog"),
    STUDY_VISIT: _l("Studiebesök"),
    WORKSHOP: _l("Workshop"),
}

EVENT_KINDS = {
    "created": _l("Nätverket skapades"),
    "phase": _l("Ny fas: %(detail)s"),
    "invited": _l("%(detail)s bjöds in"),
    "accepted": _l("%(detail)s tackade ja"),
    "declined": _l("%(detail)s avböjde"),
    "left": _l("%(detail)s lämnade nätverket"),
    "role": _l("%(detail)s fick ny roll"),
    "challenge_linked": _l("Utmaningen %(detail)s kopplades till nätverket"),
    "challenge_unlinked": _l("Utmaningen %(detail)s togs bort från nätverket"),
    "activity": _l("Aktivitet planerad: %(detail)s"),
    "applied": _l("%(detail)s ansökte om att gå med"),
    "admitted": _l("%(detail)s fick ja på sin ansökan"),
    "refused": _l("%(detail)s fick nej på sin ansökan"),
}


def event_text(kind: str, detail: str) -> str:
    """A history entry in words, in the current language ("Ny fas: starta", "Malmö kommun tackade ja")."""
    shown = str(PHASES[detail]).lower() if kind == "phase" and detail in PHASES else detail
    return str(EVENT_KINDS[kind]) % {"detail": shown}
