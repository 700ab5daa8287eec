"""CPV codes proposed from a text ("Föreslagna koder"), and challenges whose chosen codes disagree with their text.

Both read the learnt model (``training.current_model``); without one there is nothing to propose and nothing
is said about disagreement. A proposal is a CPV group (60100000 Landtransporttjänster, say) with the model's
probability, worded so that a person can weigh it; it is never chosen for them.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _

from blueprints.challenges.models import Challenge, challenge_cpv
from blueprints.core.db import db
from blueprints.networks.cpv_model import GROUP_DIGITS, top_prefixes
from blueprints.networks.matching import text_of
from blueprints.networks.training import current_model
from blueprints.vocabulary.queries import cpv_codes_by_id

SHOWN = 5
SHOWN_FROM = 0.02  # proposals less likely than this are left out
DISAGREES_FROM = 0.5  # the text's likeliest group must be at least this likely to call the codes into question
MINIMUM_TEXT = 3


@dataclass(frozen=True)
class CpvProposal:
    """A proposed CPV code with its label and how likely the model finds it."""

    code: str
    label: str
    probability: float

    @property
    def percent(self) -> int:
        """The probability in whole per cent (at least 1)."""
        return max(1, round(self.probability * 100))

    @property
    def confidence(self) -> str:
        """The probability in words."""
        if self.probability >= 0.6:
            return _("Mycket trolig")
        if self.probability >= 0.3:
            return _("Trolig")
        return _("Möjlig")


def _proposals(distribution: np.ndarray, groups: list[str], language: str, k: int) -> list[CpvProposal]:
    likeliest = [(g, p) for g, p in top_prefixes(distribution, groups, k, GROUP_DIGITS) if p >= SHOWN_FROM]
    codes = cpv_codes_by_id([group.ljust(8, "0") for group, _p in likeliest])
    return [
        CpvProposal(code.code, code.label(language), probability)
        for group, probability in likeliest
        if (code := codes.get(group.ljust(8, "0"))) is not None
    ]


def propose_cpv(title: str, description: str, language: str) -> list[CpvProposal]:
    """Up to five CPV groups the text suggests, likeliest first (none without a model or a text)."""
    model, _problem = current_model()
    text = text_of(title, description).strip()
    if model is None or len(title.strip()) + len(description.strip()) < MINIMUM_TEXT:
        return []
    return _proposals(model.distributions([text])[0], model.groups, language, SHOWN)


@dataclass(frozen=True)
class Disagreement:
    """A challenge whose chosen codes lie outside what its text most likely is about."""

    challenge: Challenge
    likeliest: CpvProposal


def disagreements(challenges: Sequence[Challenge], language: str) -> list[Disagreement]:
    """The challenges (with chosen codes) whose text points clearly at a CPV group none of their codes is in."""
    model, _problem = current_model()
    if model is None or not challenges:
        return []
    groups_of: dict[int, set[str]] = {}
    rows = db.session.execute(
        sa.select(challenge_cpv.c.challenge_id, challenge_cpv.c.cpv_code).where(
            challenge_cpv.c.challenge_id.in_([c.id for c in challenges])
        )
    )
    for challenge_id, code in rows.tuples():  # one statement for the whole queue
        groups_of.setdefault(challenge_id, set()).add(code[:GROUP_DIGITS])
    chosen = [c for c in challenges if c.id in groups_of]
    if not chosen:
        return []
    distributions = model.distributions([text_of(c.title, c.description) for c in chosen])
    found = []
    for challenge, distribution in zip(chosen, distributions, strict=True):
        top = _proposals(distribution, model.groups, language, 1)
        groups = groups_of[challenge.id]
        if top and top[0].probability >= DISAGREES_FROM and top[0].code[:GROUP_DIGITS] not in groups:
            found.append(Disagreement(challenge, top[0]))
    return found
