"""The matching API: ranked matches for a challenge as JSON, for staff sessions and personal API tokens."""

from flask import g, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from blueprints.challenges.models import Challenge
from blueprints.core.access import api_permission_required, json_error
from blueprints.core.args import is_number
from blueprints.core.db import db
from blueprints.networks.blueprint import bp
from blueprints.networks.policies import USE_MATCHING_API
from blueprints.networks.queries import Match, suggestions_for

MAX_K = 50


def _as_json(match: Match) -> dict[str, object]:
    body: dict[str, object] = {"type": match.kind, "id": match.id, "title": match.title}
    if match.challenge is not None:
        organisation = match.challenge.organisation
        body["organisation"] = {"name": organisation.name, "org_number": organisation.org_number_display}
    body["score"] = match.score
    body["reasons"] = match.reasons
    body["pooled_power_sek"] = match.pooled_power_sek
    return body


@bp.get("/api/v1/challenges/<int:challenge_id>/matches")
@api_permission_required(USE_MATCHING_API)
def api_matches(challenge_id: int) -> ResponseReturnValue:
    """{"challenge": id, "matches": [...]}: other organisations' challenges and networks, best first."""
    raw_k = request.args.get("k", "10").strip()
    if not is_number(raw_k) or len(raw_k) > 3 or not 1 <= int(raw_k) <= MAX_K:
        return json_error(400, _("k ska vara ett heltal från 1 till %(max)s.", max=MAX_K))
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None:
        return json_error(404, _("Utmaningen finns inte."))
    with force_locale("sv"):  # reasons are Swedish sentences, whatever the caller's language
        matches = suggestions_for(challenge, g.user, k=int(raw_k), language="sv")
    return {"challenge": challenge.id, "matches": [_as_json(m) for m in matches]}
