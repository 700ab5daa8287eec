"""A network as a knowledge centre: its members' own knowledge page (market notes and documents), for members
and staff, and a note proposed for publication."""

from flask import Response, abort, flash, g, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints.core.access import login_required
from blueprints.core.actions import form_status, perform
from blueprints.core.db import db
from blueprints.core.downloads import download
from blueprints.core.htmx import render
from blueprints.knowledge.blueprint import bp
from blueprints.knowledge.constants import TOPICS
from blueprints.knowledge.forms import NetworkDocumentForm, NoteForm
from blueprints.knowledge.models import NetworkDocument, NetworkNote
from blueprints.knowledge.queries import network_documents, network_notes
from blueprints.knowledge.services import NoteData, add_network_documents, add_note, propose_note, remove_note
from blueprints.networks.models import Network
from blueprints.networks.policies import sees_inside
from blueprints.networks.queries import get_visible_network


def _network(network_id: int) -> Network:
    """The network, for its members and staff (404 for everyone else)."""
    network = get_visible_network(network_id, g.user)
    if network is None or not sees_inside(network, g.user):
        abort(404)
    return network


def _page(
    network: Network,
    *,
    note_form: NoteForm | None = None,
    document_form: NetworkDocumentForm | None = None,
    status: int = 200,
) -> Response:
    return render(
        "knowledge/network.html",
        network=network,
        notes=network_notes(network),
        documents=network_documents(network),
        topics=TOPICS,
        note_form=note_form or NoteForm(formdata=None),
        document_form=document_form or NetworkDocumentForm(formdata=None),
        status=status,
    )


@bp.get("/natverk/<int:network_id>/kunskap")
@login_required
def network_knowledge(network_id: int) -> ResponseReturnValue:
    """The network's own knowledge: what members learnt of the market, and their documents."""
    return _page(_network(network_id))


@bp.post("/natverk/<int:network_id>/kunskap")
@login_required
def add_network_note(network_id: int) -> ResponseReturnValue:
    """A member (or staff) adds a note."""
    network = _network(network_id)
    form = NoteForm()
    data = NoteData(topic=form.topic.data or "", title=(form.title.data or "").strip(), body=form.body.data or "")
    if form.validate_on_submit() and perform(lambda: add_note(network=network, data=data, actor=g.user), form=form):
        flash(_("Anteckningen är sparad."), "success")
        return redirect(url_for("knowledge.network_knowledge", network_id=network.id), 303)
    return _page(network, note_form=form, status=form_status(form))


def _note(network: Network, note_id: int) -> NetworkNote:
    note = db.session.get(NetworkNote, note_id)
    if note is None or note.network_id != network.id:
        abort(404)
    return note


@bp.post("/natverk/<int:network_id>/kunskap/<int:note_id>/ta-bort")
@login_required
def delete_network_note(network_id: int, note_id: int) -> ResponseReturnValue:
    """Its writer (or staff) removes a note."""
    network = _network(network_id)
    note = _note(network, note_id)
    back = url_for("knowledge.network_knowledge", network_id=network.id)
    perform(lambda: remove_note(note=note, actor=g.user), back=back)
    flash(_("Anteckningen är borttagen."), "success")  # a broken rule was answered by perform's error handling
    return redirect(back, 303)


@bp.post("/natverk/<int:network_id>/kunskap/<int:note_id>/foresla")
@login_required
def propose_network_note(network_id: int, note_id: int) -> ResponseReturnValue:
    """Propose a note for publication as a public article: the agency's editors get a draft."""
    network = _network(network_id)
    note = _note(network, note_id)
    back = url_for("knowledge.network_knowledge", network_id=network.id)
    if perform(lambda: propose_note(note=note, network=network, actor=g.user), back=back):
        flash(_("Tack! Myndighetens redaktörer har fått anteckningen som förslag till artikel."), "success")
    return redirect(back, 303)


@bp.post("/natverk/<int:network_id>/kunskap/dokument")
@login_required
def add_network_document(network_id: int) -> ResponseReturnValue:
    """Members (or staff) add documents."""
    network = _network(network_id)
    form = NetworkDocumentForm()
    if form.validate_on_submit():
        uploads = form.documents.uploads
        if perform(lambda: add_network_documents(network=network, uploads=uploads, actor=g.user), form=form):
            flash(_("Dokumenten är sparade."), "success")
            return redirect(url_for("knowledge.network_knowledge", network_id=network.id), 303)
    return _page(network, document_form=form, status=413 if form.documents.too_large else form_status(form))


@bp.get("/natverk/<int:network_id>/kunskap/dokument/<int:document_id>")
@login_required
def network_document(network_id: int, document_id: int) -> ResponseReturnValue:
    """Download one of the network's documents (members and staff)."""
    network = _network(network_id)
    found = db.session.get(NetworkDocument, document_id)
    if found is None or found.network_id != network.id:
        abort(404)
    return download(found.content, found.content_type, found.filename)
