"""Views of the organisation registry: active-search list, detail, create and edit."""

import sqlalchemy as sa
from flask import abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints.accounts.access import login_required, role_required
from blueprints.accounts.models import User
from blueprints.accounts.roles import ADMIN, FACILITATOR, STAFF
from blueprints.core.db import db
from blueprints.core.forms import commit_or_show_error, form_status
from blueprints.core.htmx import render
from blueprints.organisations import bp
from blueprints.organisations.forms import OrganisationForm
from blueprints.organisations.models import Organisation
from blueprints.organisations.queries import OrganisationFilter, search_organisations
from blueprints.organisations.regions import COUNTIES, KINDS
from blueprints.organisations.services import save_organisation


@bp.get("/")
@role_required(*STAFF)
def index() -> ResponseReturnValue:
    """The registry with active search, filters and pagination (state in the URL)."""
    flt = OrganisationFilter.from_args(request.args)
    page = search_organisations(flt)
    return render("organisations/index.html", block="results", flt=flt, page=page, kinds=KINDS, counties=COUNTIES)


def _visible_organisation(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    if not g.user.is_staff and g.user.organisation_id != organisation.id:
        abort(404)
    return organisation


@bp.get("/<int:organisation_id>")
@login_required
def detail(organisation_id: int) -> ResponseReturnValue:
    """One organisation with its users (buyers see only their own organisation)."""
    organisation = _visible_organisation(organisation_id)
    users = db.session.scalars(
        sa.select(User).where(User.organisation_id == organisation.id).order_by(User.sort_key)
    ).all()
    can_edit = g.user.has_role(FACILITATOR, ADMIN)
    return render("organisations/detail.html", organisation=organisation, users=users, can_edit=can_edit)


def _form_page(form: OrganisationForm, organisation: Organisation | None) -> ResponseReturnValue:
    if form.validate_on_submit():
        saved = commit_or_show_error(
            form,
            lambda: save_organisation(
                organisation=organisation,
                name=form.name.data or "",
                org_number=form.org_number.data or "",
                kind=form.kind.data or "",
                county_code=form.county_code.data or "",
                municipality_code=form.municipality_code.data,
                annual_volume_sek=getattr(form.annual_volume, "parsed", None),
            ),
        )
        if saved is not None:
            flash(_("Organisationen %(name)s är sparad.", name=saved.name), "success")
            return redirect(url_for("organisations.detail", organisation_id=saved.id), 303)
    return render("organisations/form.html", form=form, organisation=organisation, status=form_status(form))


@bp.route("/ny", methods=["GET", "POST"])
@role_required(FACILITATOR, ADMIN)
def create() -> ResponseReturnValue:
    """Add an organisation to the registry."""
    return _form_page(OrganisationForm(), None)


@bp.route("/<int:organisation_id>/redigera", methods=["GET", "POST"])
@role_required(FACILITATOR, ADMIN)
def edit(organisation_id: int) -> ResponseReturnValue:
    """Edit an organisation."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation)
    if request.method == "GET":
        form.org_number.data = organisation.org_number_display
        if organisation.annual_volume_sek is not None:
            form.annual_volume.data = f"{organisation.annual_volume_sek:,}".replace(",", " ")
    return _form_page(form, organisation)
