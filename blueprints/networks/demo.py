"""Demo networks: one in each early phase, with members, linked challenges, activities and history."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from blueprints.accounts.models import User
from blueprints.challenges.models import Challenge
from blueprints.core.db import db, utcnow
from blueprints.networks.constants import CHECKLIST, INITIATE, MARKET_DIALOGUE, MEETING, OBSERVER, RUN, START
from blueprints.networks.models import Network
from blueprints.networks.services import (
    ActivityData,
    NetworkData,
    answer_invitation,
    change_phase,
    create_network,
    invite_organisation,
    link_challenge,
    save_activity,
    set_checklist_item,
)
from blueprints.organisations.models import Organisation
from blueprints.vocabulary.models import NeedArea

# name, need area, host, open?, phase, CPV codes, common challenge, [(member, role, accepts?)], linked challenge titles
DemoNetwork = tuple[str, str, str, bool, str, list[str], str, list[tuple[str, str, bool | None]], list[str]]
NETWORKS: list[DemoNetwork] = [
    (
        "Laddinfrastruktur för offentliga fordonsflottor",
        "Fossilfria transporter",
        "2120000142",
        True,
        RUN,
        ["31158100", "34144900", "34100000"],
        "Kommuner och myndigheter ställer om sina fordonsflottor till el och behöver laddning vid depåer och "
        "fastigheter. Nätverket samlar kraven, för gemensam dialog med marknaden och delar erfarenheter av "
        "effektstyrning och drift.",
        [("2120001850", "medlem", True), ("2120002627", "medlem", True), ("2021006297", OBSERVER, True)],
        ["Laddstolpar för kommunens fordonsflotta", "Laddning för tunga fordon i stadens depåer"],
    ),
    (
        "Hållbara offentliga måltider i Skåne",
        "Livsmedel och måltider",
        "2321000255",
        False,
        START,
        ["15000000", "55520000"],
        "Mer växtbaserat, mindre svinn och fler lokala råvaror i skol- och sjukhusmåltider, med gemensamma krav "
        "som leverantörer i regionen kan möta.",
        [("2120001132", "medlem", True), ("2120000837", "medlem", None)],
        ["Mer växtbaserad sjukhusmat"],
    ),
    (
        "Cirkulära möbler i skolor och förskolor",
        "Cirkulära produkter",
        "2120002627",
        True,
        INITIATE,
        ["39100000"],
        "Återbruk och renovering av skolmöbler i stället för nyköp: hur ställer vi krav och hittar leverantörer?",
        [],
        ["Återbruk av möbler i skolor"],
    ),
]


def _stockholm(days: int, hour: int) -> datetime:
    base = utcnow().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days, hours=hour - 1)  # roughly Swedish wall-clock time


def _activities(network: Network, actor: User, organisation_ids: list[int]) -> None:
    save_activity(
        network=network,
        activity=None,
        actor=actor,
        data=ActivityData(
            kind=MARKET_DIALOGUE,
            title="Gemensam marknadsdialog om laddlösningar",
            starts_at=_stockholm(-30, 9),
            ends_at=_stockholm(-30, 12),
            place="Stockholms stadshus",
            video_link="",
            agenda="1. Nätverkets behov\n2. Leverantörernas presentationer\n3. Frågor och svar",
            minutes="Leverantörerna lyfte effektstyrning och nätkapacitet som största risker.",
            suppliers="Laddbolaget AB\nElnät Norden AB\nDepåKraft AB",
            shared_information="Behovsbeskrivning version 1.2 och preliminär tidplan skickades till alla tre "
            "leverantörer samma dag, och publicerades på nätverkets sida.",
            organisation_ids=organisation_ids,
        ),
    )
    save_activity(
        network=network,
        activity=None,
        actor=actor,
        data=ActivityData(
            kind=MEETING,
            title="Nätverksmöte: gemensamma krav",
            starts_at=_stockholm(14, 13),
            ends_at=_stockholm(14, 15),
            place="",
            video_link="https://meet.example.org/laddning",
            agenda="Genomgång av kravutkastet och fördelning av arbetet.",
            minutes="",
            suppliers="",
            shared_information="",
            organisation_ids=organisation_ids,
        ),
    )


def seed_demo_networks() -> int:
    """Add the demo networks that are missing (matched by name); return how many were added."""
    existing = set(db.session.scalars(sa.select(Network.name)))
    facilitator = db.session.scalar(sa.select(User).where(User.email == "facilitator@example.org"))
    if facilitator is None:
        return 0
    organisations = {o.org_number: o for o in db.session.scalars(sa.select(Organisation))}
    areas = {a.name: a.id for a in db.session.scalars(sa.select(NeedArea))}
    created = 0
    for name, area, host, is_open, phase, codes, text, members, titles in NETWORKS:
        if name in existing or host not in organisations:
            continue
        network = create_network(
            data=NetworkData(name, text, areas.get(area), codes, organisations[host].id, facilitator.id, is_open),
            challenge_ids=[],
            invite=False,
            actor=facilitator,
        )
        for title in titles:
            challenge = db.session.scalar(sa.select(Challenge).where(Challenge.title == title))
            if challenge is not None and challenge.status in ("submitted", "reviewed"):
                link_challenge(network=network, challenge=challenge, invite=False, actor=facilitator)
        for org_number, role, accepts in members:
            if org_number in organisations:
                member = invite_organisation(
                    network=network, organisation_id=organisations[org_number].id, role=role, actor=facilitator
                )
                if accepts is not None:
                    answer_invitation(member=member, accept=accepts, user=facilitator)
        for step in [START, RUN][: [INITIATE, START, RUN].index(phase)]:
            for item in CHECKLIST[network.phase]:
                set_checklist_item(network=network, phase=network.phase, item=item, done=True, actor=facilitator)
            change_phase(network=network, to_phase=step, note="", actor=facilitator)
        if phase == RUN:
            _activities(network, facilitator, [m.organisation_id for m in network.active_members])
        created += 1
    db.session.flush()
    return created
