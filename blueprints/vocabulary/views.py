"""The CPV picker's search: codes for the words or digits typed."""

from flask import request
from flask.typing import ResponseReturnValue

from blueprints.core.access import login_required
from blueprints.core.htmx import render
from blueprints.core.i18n import current_language
from blueprints.vocabulary.blueprint import bp
from blueprints.vocabulary.queries import search_cpv


@bp.get("/cpv/sok")
@login_required
def cpv_search() -> ResponseReturnValue:
    """Suggestions for the CPV picker: codes matching Swedish (or English) words or digits."""
    query = request.args.get("q", "").strip()[:100]
    language = current_language()
    results = search_cpv(query, language) if len(query) >= 2 else []
    return render("vocabulary/cpv_options.html", results=results, query=query, language=language)
