"""Documents attached to support requests: which types are accepted, recognised by content. Pure: no Flask."""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import filetype

# The accepted types, recognised in the content, and the file name ending each must carry.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
}
# Pictures an article of the knowledge hub may show (never SVG: it can carry scripts), besides documents.
PICTURE_TYPES = {"image/png": "png", "image/jpeg": "jpg"}
OTHER_ENDINGS = {"jpg": ("jpeg",)}  # endings a type is also known by
MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5


@dataclass(frozen=True)
class Upload:
    """A received document whose type was read from its content."""

    filename: str
    data: bytes
    content_type: str


UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f"\\/]')


def clean_filename(name: str) -> str:
    """A file name as it is kept and sent back: the last part of a path, Unicode composed, without control
    characters (CR, LF, NUL), quotes or slashes, at most 200 characters ("dokument" if nothing is left)."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = UNSAFE_IN_NAMES.sub("", name).strip(" .")
    return name[-200:] or "dokument"


def content_type(data: bytes, allowed: dict[str, str] = ALLOWED_TYPES) -> str | None:
    """The MIME type of an accepted file, read from its bytes; None for anything else."""
    kind = filetype.guess(data)
    return kind.mime if kind is not None and kind.mime in allowed else None


def name_fits(filename: str, mime: str, allowed: dict[str, str] = ALLOWED_TYPES) -> bool:
    """True when the file name ends as files of this type do (a .docx is not accepted as .pdf)."""
    ending = allowed[mime]
    return Path(filename).suffix.lower().lstrip(".") in (ending, *OTHER_ENDINGS.get(ending, ()))
