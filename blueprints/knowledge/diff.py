"""A readable difference between two texts: lines compared first, then the words of changed lines, so a
reader sees what was removed and what was added in place. Pure: no Flask."""

import difflib
import re
from dataclasses import dataclass

TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    """A stretch of text: kept as it was ("same"), removed ("removed") or added ("added")."""

    change: str
    text: str


def _words(old: str, new: str) -> list[Piece]:
    before, after = TOKENS.findall(old), TOKENS.findall(new)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(before[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(after[j1:j2])))
    return pieces


def difference(old: str, new: str) -> list[Piece]:
    """``old`` turned into ``new``, as pieces kept, removed and added (words within changed lines)."""
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(before[i1:i2])))
        elif tag == "replace":
            pieces += _words("".join(before[i1:i2]), "".join(after[j1:j2]))
        elif tag == "delete":
            pieces.append(Piece("removed", "".join(before[i1:i2])))
        else:
            pieces.append(Piece("added", "".join(after[j1:j2])))
    return _merged(pieces)


def _merged(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if merged and merged[-1].change == piece.change:
            merged[-1] = Piece(piece.change, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def changed(pieces: list[Piece]) -> bool:
    """Anything removed or added."""
    return any(piece.change != "same" for piece in pieces)
