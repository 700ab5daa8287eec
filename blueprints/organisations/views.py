"""Views of the organisation registry: active-search list, detail, create and edit."""

from flask import abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints.core.access import login_required, permission_required
from blueprints.core.actions import form_status, perform
from blueprints.core.db import db
from blueprints.core.htmx import render
from blueprints.organisations.blueprint import bp
from blueprints.organisations.forms import OrganisationForm
from blueprints.organisations.models import Organisation
from blueprints.organisations.policies import EDIT_ORGANISATIONS, SEE_REGISTRY, may_see
from blueprints.organisations.queries import OrganisationFilter, search_organisations, suggest_organisations
from blueprints.organisations.regions import COUNTIES, KINDS
from blueprints.organisations.services import save_organisation


@bp.get("/")
@permission_required(SEE_REGISTRY)
def index() -> ResponseReturnValue:
    """The registry with active search, filters and pagination (state in the URL)."""
    flt = OrganisationFilter.from_args(request.args)
    page = search_organisations(flt)
    return render("organisations/index.html", block="results", flt=flt, page=page, kinds=KINDS, counties=COUNTIES)


@bp.get("/forslag")
@permission_required(SEE_REGISTRY)
def suggestions() -> ResponseReturnValue:
    """Organisations for a picker field as one types (``?field=<the field's name>&<name>=<text>``): the options
    of its datalist, "Lunds kommun (212000-1132)"."""
    text = request.args.get(request.args.get("field", "q"), "")[:100]
    return render("organisations/_suggestions.html", organisations=suggest_organisations(text))


def _visible_organisation(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    if not may_see(organisation, g.user):
        abort(404)
    return organisation


@bp.get("/<int:organisation_id>")
@login_required
def detail(organisation_id: int) -> ResponseReturnValue:
    """One organisation, with what other areas show about it (its users, for instance); buyers see only their
    own organisation."""
    return render("organisations/detail.html", organisation=_visible_organisation(organisation_id))


def _form_page(form: OrganisationForm, organisation: Organisation | None) -> ResponseReturnValue:
    if form.validate_on_submit():
        saved = perform(
            lambda: save_organisation(
                organisation=organisation,
                name=form.name.data or "",
                org_number=form.org_number.data or "",
                kind=form.kind.data or "",
                county_code=form.county_code.data or "",
                municipality_code=form.municipality_code.data,
                annual_volume_sek=getattr(form.annual_volume, "parsed", None),
            ),
            form=form,
        )
        if saved is not None:
            flash(_("Organisationen %(name)s är sparad.", name=saved.name), "success")
            return redirect(url_for("organisations.detail", organisation_id=saved.id), 303)
    return render("organisations/form.html", form=form, organisation=organisation, status=form_status(form))


@bp.route("/ny", methods=["GET", "POST"])
@permission_required(EDIT_ORGANISATIONS)
def create() -> ResponseReturnValue:
    """Add an organisation to the registry."""
    return _form_page(OrganisationForm(), None)


@bp.route("/<int:organisation_id>/redigera", methods=["GET", "POST"])
@permission_required(EDIT_ORGANISATIONS)
def edit(organisation_id: int) -> ResponseReturnValue:
    """Edit an organisation."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation)
    if request.method == "GET":
        form.org_number.data = organisation.org_number_display
        if organisation.annual_volume_sek is not None:
            form.annual_volume.data = f"{organisation.annual_volume_sek:,}".replace(",", " ")
    return _form_page(form, organisation)
