"""Writes to challenges: save a draft, submit, review decisions, comments; the buyer is told by e-mail."""

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from blueprints.accounts.models import User
from blueprints.accounts.queries import active_buyers_of, followers_of
from blueprints.challenges.constants import (
    ARCHIVED,
    DRAFT,
    EDITABLE,
    MATCHED,
    RETURNED,
    REVIEWED,
    STATUSES,
    SUBMITTED,
)
from blueprints.challenges.models import Challenge, ChallengeComment, ChallengeEvent, challenge_search_text
from blueprints.challenges.policies import may_edit
from blueprints.core.db import DomainError, db, utcnow
from blueprints.core.i18n import N_
from blueprints.core.outbox import queue_email, queue_notice
from blueprints.core.urls import public_url
from blueprints.organisations.models import Organisation
from blueprints.vocabulary.queries import cpv_codes_by_id


@dataclass(frozen=True)
class ChallengeData:
    """What the challenge form holds, already parsed and validated field by field."""

    title: str
    description: str
    need_area_id: int | None
    cpv_codes: list[str]
    organisation_id: int
    contact_name: str
    contact_email: str
    annual_volume_sek: int | None
    planned_year: int | None
    planned_quarter: int | None
    innovation_level: str | None
    network_interest: str | None
    visibility: str
    share_contact: bool = False


REQUIRED_TO_SUBMIT = {
    "description": _l("Beskriv behovet innan du skickar in."),
    "need_area_id": _l("Välj ett behovsområde innan du skickar in."),
    "cpv_codes": _l("Välj minst en CPV-kod innan du skickar in."),
    "contact_name": _l("Ange en kontaktperson innan du skickar in."),
    "planned_year": _l("Ange när upphandlingen är planerad innan du skickar in."),
    "innovation_level": _l("Välj innovationsnivå innan du skickar in."),
    "network_interest": _l("Svara på om ni vill delta i ett nätverk innan du skickar in."),
}


def missing_for_submission(data: ChallengeData) -> dict[str, str]:
    """Fields a draft may leave empty but a submission may not: {field: message}."""
    return {name: str(message) for name, message in REQUIRED_TO_SUBMIT.items() if not getattr(data, name)}


def _record(challenge: Challenge, actor: User | None, to_status: str, note: str = "") -> None:
    challenge.events.append(
        ChallengeEvent(
            actor=actor, from_status=challenge.status if challenge.id else None, to_status=to_status, note=note
        )
    )
    changed = challenge.id is not None and challenge.status != to_status
    challenge.status = to_status
    if changed:
        _tell_followers(challenge, actor, to_status)


FOLLOWED_CHALLENGE_SUBJECT = N_("Nytt i en utmaning du följer: %(title)s")


def _tell_followers(challenge: Challenge, actor: User | None, to_status: str) -> None:
    """E-mail the people who follow the challenge (and may still see it) its new status, in their language."""
    people = [
        person
        for person in followers_of("challenge", challenge.id, except_id=actor.id if actor else None)
        if person.is_staff or person.organisation_id == challenge.organisation_id or challenge.is_published
    ]
    queue_notice(
        people,
        subject=FOLLOWED_CHALLENGE_SUBJECT,
        message=lambda: str(
            _l(
                "Utmaningen ”%(title)s” har nu status: %(status)s.",
                title=challenge.title,
                status=str(STATUSES[to_status]).lower(),
            )
        ),
        link=public_url("challenges.detail", challenge_id=challenge.id),
        title=challenge.title,
    )


def _apply(challenge: Challenge, data: ChallengeData) -> None:
    codes = cpv_codes_by_id(data.cpv_codes)
    unknown = [c for c in data.cpv_codes if c not in codes]
    if unknown:
        raise DomainError(str(_l("Okända CPV-koder: %(codes)s", codes=", ".join(unknown))), field="cpv_codes")
    if db.session.get(Organisation, data.organisation_id) is None:
        raise DomainError(str(_l("Välj en organisation.")), field="organisation_id")
    for name in ChallengeData.__dataclass_fields__:
        if name != "cpv_codes":
            setattr(challenge, name, getattr(data, name))
    challenge.cpv_codes = [codes[c] for c in data.cpv_codes]
    challenge.search_text = challenge_search_text(data.title, data.description, challenge.cpv_codes)


def save_challenge(*, challenge: Challenge | None, data: ChallengeData, author: User, submit: bool) -> Challenge:
    """Create or update a challenge as a draft, or submit it (every required field filled)."""
    if submit:
        missing = missing_for_submission(data)
        if missing:
            field, message = next(iter(missing.items()))
            raise DomainError(message, field=field)
    if challenge is None:
        challenge = Challenge(created_by=author, status=DRAFT)
        _record(challenge, author, DRAFT)
        _apply(challenge, data)  # before add(): its look-ups must not flush a half-filled row
        db.session.add(challenge)
    elif not may_edit(challenge, author):
        raise DomainError(str(_l("Utmaningen kan inte ändras i sin nuvarande status.")))
    else:
        _apply(challenge, data)
    if submit and challenge.status in EDITABLE:
        _record(challenge, author, SUBMITTED)
        challenge.submitted_at = utcnow()
    db.session.flush()
    if submit and author.is_staff is False:
        _notify_buyer(challenge, SUBMITTED)
    return challenge


# Which staff decision may follow which status.
TRANSITIONS = {
    RETURNED: {SUBMITTED, REVIEWED},
    REVIEWED: {SUBMITTED},
    ARCHIVED: {DRAFT, SUBMITTED, RETURNED, REVIEWED},
}


def withdraw_challenge(*, challenge: Challenge, actor: User) -> Challenge:
    """The buyer takes back a submitted challenge before it is reviewed: it is a draft again."""
    if challenge.status != SUBMITTED:
        raise DomainError(str(_l("Utmaningen kan bara dras tillbaka innan den är granskad.")))
    _record(challenge, actor, DRAFT, str(_l("Tillbakadragen av beställaren")))
    challenge.submitted_at = None
    return challenge


def decide(*, challenge: Challenge, actor: User, to_status: str, note: str = "") -> Challenge:
    """A staff decision: return for completion (note required), mark reviewed, or archive."""
    if challenge.status not in TRANSITIONS.get(to_status, set()):
        raise DomainError(
            str(
                _l(
                    "Utmaningen kan inte bli %(to)s när den är %(status)s.",
                    to=str(STATUSES[to_status]).lower(),
                    status=str(STATUSES[challenge.status]).lower(),
                )
            )
        )
    if to_status == RETURNED and not note.strip():
        raise DomainError(str(_l("Skriv vad som behöver kompletteras.")), field="note")
    _record(challenge, actor, to_status, note.strip())
    if note.strip():
        challenge.comments.append(ChallengeComment(author=actor, body=note.strip(), internal=False))
    db.session.flush()
    _notify_buyer(challenge, to_status, note.strip())
    return challenge


def mark_matched(*, challenge: Challenge, actor: User | None, network_name: str) -> None:
    """A challenge linked to a network becomes matched (submitted and reviewed ones; others keep their status)."""
    if challenge.status in (SUBMITTED, REVIEWED):
        _record(challenge, actor, MATCHED, str(_l("Kopplad till nätverket %(name)s", name=network_name)))


def unmark_matched(*, challenge: Challenge, actor: User | None, still_linked: bool) -> None:
    """A challenge taken out of its last network goes back to reviewed."""
    if challenge.status == MATCHED and not still_linked:
        _record(challenge, actor, REVIEWED, str(_l("Inte längre kopplad till något nätverk")))


def add_comment(*, challenge: Challenge, author: User, body: str, internal: bool) -> ChallengeComment:
    """A staff comment, visible to the buyer or internal to the agency."""
    if not body.strip():
        raise DomainError(str(_l("Skriv en kommentar.")), field="body")
    comment = ChallengeComment(author=author, body=body.strip(), internal=internal)
    challenge.comments.append(comment)
    db.session.flush()
    return comment


SAME_NEED_SUBJECT = N_("%(organisation)s har samma behov som er utmaning")


def share_need(*, challenge: Challenge, buyer: User) -> Challenge:
    """A buyer says "we have the same need": a draft of their own organisation starts from the challenge (title,
    description, need area, CPV codes), staff see it noted on the challenge, and the other organisation's
    buyers are e-mailed. Returns the new draft."""
    if buyer.organisation is None or challenge.organisation_id == buyer.organisation_id:
        raise DomainError(str(_l("Det här är er egen utmaning.")))
    draft = Challenge(
        created_by=buyer,
        status=DRAFT,
        title=challenge.title,
        description=challenge.description,
        need_area_id=challenge.need_area_id,
        organisation_id=buyer.organisation_id,
        cpv_codes=list(challenge.cpv_codes),
        contact_name=buyer.name,
        contact_email=buyer.email,
    )
    _record(
        draft,
        buyer,
        DRAFT,
        str(
            _l(
                "Samma behov som %(title)s (%(organisation)s)",
                title=challenge.title,
                organisation=challenge.organisation.name,
            )
        ),
    )
    draft.search_text = challenge_search_text(draft.title, draft.description, draft.cpv_codes)
    db.session.add(draft)
    db.session.flush()
    note = str(
        _l(
            "%(person)s, %(organisation)s, har samma behov och har påbörjat ett eget utkast (nr %(id)s).",
            person=buyer.name,
            organisation=buyer.organisation.name,
            id=draft.id,
        )
    )
    challenge.comments.append(ChallengeComment(author=buyer, body=note, internal=True))
    for owner in active_buyers_of(challenge.organisation_id):
        queue_email(
            recipient=owner.email,
            language=owner.language,
            template="same_need",
            subject=SAME_NEED_SUBJECT,
            organisation=buyer.organisation.name,
            title=challenge.title,
            name=owner.name,
            link=public_url("challenges.detail", challenge_id=challenge.id),
        )
    return draft


STATUS_MAIL_SUBJECT = N_("Din utmaning har fått ny status: %(status)s")


def _notify_buyer(challenge: Challenge, status: str, note: str = "") -> None:
    """E-mail the buyer who proposed the challenge (through the outbox, in their language)."""
    buyer = challenge.created_by
    if buyer is None or not buyer.is_active:
        return
    with force_locale(buyer.language):
        status_label = str(STATUSES[status]).lower()
    queue_email(
        recipient=buyer.email,
        language=buyer.language,
        template="challenge_status",
        subject=STATUS_MAIL_SUBJECT,
        status=status_label,
        status_key=status,
        title=challenge.title,
        note=note,
        name=buyer.name,
        link=public_url("challenges.detail", challenge_id=challenge.id),
    )
