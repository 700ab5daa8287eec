"""Views of what matching learns: CPV codes proposed as a challenge is written, and the model's page for admins
(when it learnt, from how much, how well it does on buyers it never saw; train it again)."""

from flask import g, redirect, request, url_for
from flask.typing import ResponseReturnValue

from blueprints.challenges.policies import PROPOSE_CHALLENGES
from blueprints.core.access import permission_required
from blueprints.core.actions import perform
from blueprints.core.htmx import render
from blueprints.core.i18n import current_language
from blueprints.networks.blueprint import bp
from blueprints.networks.cpv_suggestions import propose_cpv
from blueprints.networks.policies import MANAGE_MATCHING_MODEL
from blueprints.networks.training import model_status, queue_training


@bp.post("/utmaningar/cpv-forslag")
@permission_required(PROPOSE_CHALLENGES)
def cpv_proposals() -> ResponseReturnValue:
    """CPV codes the title and description being written suggest (below the CPV field, as the user types)."""
    title = request.form.get("title", "")[:500]
    description = request.form.get("description", "")[:5000]
    return render("networks/_cpv_proposals.html", proposals=propose_cpv(title, description, current_language()))


@bp.route("/admin/matchningsmodell", methods=["GET", "POST"])
@permission_required(MANAGE_MATCHING_MODEL)
def model() -> ResponseReturnValue:
    """The learnt CPV model: what it learnt from and how well it does; POST queues training again."""
    if request.method == "POST":
        job = perform(lambda: queue_training(actor=g.user), back=url_for("networks.model"))
        return redirect(url_for("site.job", job_id=job.id) if job else url_for("networks.model"), 303)
    info, problem = model_status()
    return render("networks/model.html", info=info, problem=problem)
