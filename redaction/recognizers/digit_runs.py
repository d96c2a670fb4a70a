"""Numbers written digit by digit and run together: "1 0 1 2 2 0 2 1 1 8 5 0 5 7 8 0 0 6 0 8 4"
is a date (10122021) then a NIR (1850578006084), with nothing but one space between them.

``pieces(text)`` cuts each such run of 16 digits or more into known numbers when the whole run
can be read as a sequence of them, and returns ``[(start, end, kind)]`` with ``kind`` one of
``"date"`` (DDMMYYYY, year 1900-2099), ``"nir"`` (13 characters of strict shape, or 15 with a
valid key: ``redaction.recognizers.fr_nir``) or ``"phone"`` (0 + 9 digits). A run with no such
reading gives nothing (its windows stay unmatched, see ``base.inside_spaced_run``).
"""

from __future__ import annotations

from functools import lru_cache

import regex
from stdnum.fr import nir

_RUN = regex.compile(r"(?<![\w]|(?<![\w])\d )\d(?: \d){15,}(?![\w]| \d(?![\w]))")


def _date(d: str) -> bool:
    return 1 <= int(d[:2]) <= 31 and 1 <= int(d[2:4]) <= 12 and 1900 <= int(d[4:]) <= 2099


def _nir(d: str) -> bool:
    from redaction.recognizers.fr_nir import strict_shape  # fr_nir imports this module's users

    return strict_shape(d) if len(d) == 13 else nir.is_valid(d)


_KINDS = ((8, "date", _date), (13, "nir", _nir), (15, "nir", _nir),
          (10, "phone", lambda d: d[0] == "0" and d[1] != "0"))


def _read(digits: str) -> list[tuple[int, int, str]] | None:
    """One reading of ``digits`` as a sequence of known numbers, or None."""
    @lru_cache(maxsize=None)
    def from_(i: int):
        if i == len(digits):
            return ()
        for size, kind, valid in _KINDS:
            piece = digits[i:i + size]
            if len(piece) == size and valid(piece):
                rest = from_(i + size)
                if rest is not None:
                    return ((i, i + size, kind),) + rest
        return None

    found = from_(0)
    return list(found) if found is not None else None


def pieces(text: str) -> list[tuple[int, int, str]]:
    """``[(start, end, kind)]`` of the known numbers inside digit-by-digit runs of ``text``."""
    out = []
    for match in _RUN.finditer(text):
        reading = _read(match.group().replace(" ", ""))
        for i, j, kind in reading or ():
            # digit k of the run is at match.start() + 2 * k
            out.append((match.start() + 2 * i, match.start() + 2 * (j - 1) + 1, kind))
    return out
