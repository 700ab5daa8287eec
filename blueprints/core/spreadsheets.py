"""Reading uploaded workbooks (XLSX) safely: the first sheet's rows, within bounds a hostile file cannot pass.

An XLSX file is a zip archive of XML. A small upload may unpack to gigabytes (a zip bomb), hold hundreds of
thousands of rows, or carry XML that declares entities (an XML bomb) or does not parse. Every workbook a person
uploads is read here: the archive's unpacked size is checked before anything is unpacked, the sheet is read by
calamine (Rust; it expands no entities), and only the rows wanted are turned into Python values. Every failure
is a DomainError with a Swedish message on the form's ``file`` field.
"""

import io
import zipfile
from typing import Any

from flask_babel import gettext as _

from blueprints.core.db import DomainError
from blueprints.core.i18n import number

MAX_UNPACKED_BYTES = 500 * 1024 * 1024


def is_xlsx(content: bytes) -> bool:
    """True for a zip archive (an XLSX workbook); anything else is read as text."""
    return content[:4] == b"PK\x03\x04"


def check_unpacked_size(archive: zipfile.ZipFile) -> None:
    """Refuse (413) an archive whose parts add up to more than MAX_UNPACKED_BYTES, before any is unpacked."""
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise DomainError(
            _("Filen är för stor uppackad (högst %(mb)s MB).", mb=MAX_UNPACKED_BYTES // (1024 * 1024)),
            field="file",
            status_code=413,
        )


def refuse_too_many_rows(count: int, max_rows: int) -> None:
    """Refuse a file of more than ``max_rows`` rows below its header (``count`` includes the header)."""
    if count > max_rows + 1:
        raise DomainError(_("Filen har fler än %(max)s rader.", max=number(max_rows)), field="file")


def xlsx_rows(content: bytes, *, max_rows: int) -> list[list[Any]]:
    """The first sheet's rows as Python values (the header and at most ``max_rows`` rows below it)."""
    from python_calamine import CalamineWorkbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            check_unpacked_size(archive)
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False, nrows=max_rows + 2)
    except DomainError:
        raise
    except Exception as error:  # a damaged archive, bad XML, entities: calamine reports each as its own type
        raise DomainError(_("Filen kunde inte läsas som XLSX: den verkar vara skadad."), field="file") from error
    refuse_too_many_rows(len(rows), max_rows)
    return rows
