"""Where the files of support documents live (``UPLOAD_DIR``, outside static/, never served directly), and how
files and rows stay in step.

A file is written under a temporary name (``<key>.part``) and flushed to disk; it takes its real name only once
the transaction that stores its row has committed, and a rollback removes it. A disk that is full or
read-only gives a Swedish message (507) and leaves no file. A process killed between the two steps leaves a
``.part`` file: the hourly purge finishes the move when its row was committed and removes it when not, with
any other file that no row names."""

import contextlib
import hashlib
import logging
import os
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from blueprints.core.db import DomainError, db
from blueprints.support.models import SupportAttachment

log = logging.getLogger(__name__)

PART = ".part"
WRITTEN = "support_files_written"  # session.info key: the .part files of the current transaction
ORPHAN_AFTER_SECONDS = 3600  # a file this old without a row was never committed


def upload_dir() -> Path:
    """The folder of the documents (made when missing)."""
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_document(data: bytes) -> str:
    """Write a document's bytes under a new key, to be moved into place when the transaction commits."""
    key = uuid.uuid4().hex
    part = Path(current_app.config["UPLOAD_DIR"]) / f"{key}{PART}"
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        with part.open("xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        with contextlib.suppress(OSError):  # on a read-only disk even this fails: nothing was written then
            part.unlink(missing_ok=True)
        log.error("document not stored in %s: %s", part.parent, error)
        raise DomainError(
            _(
                "Dokumenten kunde inte sparas just nu (lagringen är full eller skrivskyddad). "
                "Inget är sparat; försök igen senare."
            ),
            field="attachments",
            status_code=507,
        ) from error
    db.session.info.setdefault(WRITTEN, []).append(part)
    return key


def document_file(key: str) -> Path | None:
    """The stored file of a document, or None when it is missing."""
    path = Path(current_app.config["UPLOAD_DIR"]) / key
    return path if path.is_file() else None


def _move_into_place(part: Path) -> None:
    try:
        os.replace(part, part.with_suffix(""))
    except OSError as error:  # the purge finishes it
        log.error("document %s not moved into place: %s", part.name, error)


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _keep_written_files(session: sa.orm.Session) -> None:
    for part in session.info.pop(WRITTEN, []):
        _move_into_place(part)


@sa.event.listens_for(sa.orm.Session, "after_soft_rollback")
def _remove_written_files(session: sa.orm.Session, previous_transaction: sa.orm.SessionTransaction) -> None:
    """A document whose request was rolled back (a rule broken later, a crash) leaves no file behind."""
    if previous_transaction.parent is None:  # the outermost transaction, not a savepoint
        for part in session.info.pop(WRITTEN, []):
            part.unlink(missing_ok=True)


def purge_orphan_files() -> str:
    """Finish moves interrupted after a commit, and delete files (older than an hour) that no row names."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    if not folder.is_dir():
        return "no upload folder"
    stored = set(db.session.scalars(sa.select(SupportAttachment.storage_key)))
    old = time.time() - ORPHAN_AFTER_SECONDS
    moved = removed = 0
    for path in folder.iterdir():
        key = path.name.removesuffix(PART)
        if not path.is_file() or path.stat().st_mtime > old:
            continue
        if path.name.endswith(PART) and key in stored and not (folder / key).exists():
            _move_into_place(path)
            moved += 1
        elif key not in stored or path.name.endswith(PART):
            path.unlink(missing_ok=True)
            removed += 1
    db.session.commit()
    return f"moved {moved} documents into place, deleted {removed} files without a row"


def verify_documents() -> tuple[int, list[str]]:
    """Check that every document's file is there and unchanged (its SHA-256 as stored); return how many
    documents there are and what is wrong with which (after restoring a backup, say)."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    problems = []
    count = 0
    for attachment in db.session.scalars(sa.select(SupportAttachment).order_by(SupportAttachment.id)):
        count += 1
        path = folder / attachment.storage_key
        if not path.is_file():
            problems.append(f"document {attachment.id} ({attachment.filename}): file {path.name} missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != attachment.sha256:
            problems.append(f"document {attachment.id} ({attachment.filename}): file {path.name} changed")
    return count, problems
