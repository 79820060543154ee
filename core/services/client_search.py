"""Find a client by what a desk types: a code, part of it, or part of the name.

``client_directory`` reads every client's code and name once (one columnar read; the
large demo's 100,000 clients take a fraction of a second); ``ClientDirectory.search``
then answers each keystroke in memory: exact code first, then codes starting with the
text, then codes or names containing it, each group in code order.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core.db import queries
from core.db.reader import Reader


def _fold(text: str) -> str:
    """Full-width digits and letters as ASCII, lower case, no surrounding spaces."""
    return unicodedata.normalize("NFKC", text).strip().lower()


@dataclass(frozen=True)
class ClientDirectory:
    """Every client's code and name, sorted by code."""

    codes: tuple[str, ...]
    names: tuple[str, ...]

    @classmethod
    def of(cls, names_by_code: dict[str, str]) -> ClientDirectory:
        codes = tuple(sorted(names_by_code))
        return cls(codes, tuple(names_by_code[c] for c in codes))

    def __len__(self) -> int:
        return len(self.codes)

    def name_of(self, code: str) -> str | None:
        i = int(np.searchsorted(np.asarray(self.codes, dtype=object), code))
        return self.names[i] if i < len(self.codes) and self.codes[i] == code else None

    def search(self, text: str, limit: int = 50) -> list[tuple[str, str]]:
        """(code, name) of the clients matching ``text``, best first, at most ``limit``:
        the code itself, codes starting with it, then codes or names containing it."""
        needle = _fold(text)
        if not needle or limit <= 0:
            return []
        codes = np.asarray(self.codes, dtype=str)
        folded = np.char.lower(codes)
        exact = np.flatnonzero(folded == needle)
        prefix = np.flatnonzero(np.char.startswith(folded, needle) & (folded != needle))
        hits: list[npt.NDArray[np.intp]] = [exact, prefix]
        if len(exact) + len(prefix) < limit:
            names = np.char.lower(np.asarray(self.names, dtype=str))
            inside = (np.char.find(folded, needle) > 0) | (np.char.find(names, needle) >= 0)
            inside &= ~np.char.startswith(folded, needle)
            hits.append(np.flatnonzero(inside))
        order = np.concatenate(hits)[:limit]
        return [(self.codes[i], self.names[i]) for i in order]


def client_directory(reader: Reader) -> ClientDirectory:
    """Every client of the database, for the client search."""
    return ClientDirectory.of(queries.client_names(reader.session))
