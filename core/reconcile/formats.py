"""Which statement format a file holds, from its content (not its name).

* ``cfmmc``: an Excel workbook (``.xls`` BIFF8 by its OLE2 signature, or ``.xlsx`` by
  its zip signature): a CFMMC daily statement (``core.reconcile.cfmmc_xls``).
* ``member``: CSV text whose header names ``section``, ``member`` and ``trading_day``:
  the member's settlement data (``core.reconcile.member_csv``).
* ``ctp``: any other text: counter (CTP) settlement statements
  (``core.reconcile.ctp_text``).

A file named ``.xls``/``.xlsx`` that is no workbook, or ``.csv`` that is not in the
member layout, is refused by name rather than read as something else.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Literal

from core.reconcile.cfmmc_xls import read_cfmmc_file
from core.reconcile.ctp_text import read_ctp_file
from core.reconcile.member_csv import LAYOUT_LINE, is_member_csv, read_member_csv
from core.reconcile.statements import StatementFormatError, StatementRows
from core.reconcile.workbook import OLE2_MAGIC, ZIP_MAGIC

Format = Literal["ctp", "cfmmc", "member"]
FORMAT_NAMES: dict[str, str] = {
    "ctp": "CTP settlement text",
    "cfmmc": "CFMMC daily statement",
    "member": "member settlement CSV",
}

_HEAD = 1 << 16


def detect_format(path: Path) -> Format:
    """The format of the file at ``path`` (module doc); StatementFormatError if it is
    named as one format and holds another."""
    with path.open("rb") as f:
        head = f.read(_HEAD)
    suffix = path.suffix.lower()
    if head.startswith((OLE2_MAGIC, ZIP_MAGIC)):
        return "cfmmc"
    if suffix in (".xls", ".xlsx"):
        raise StatementFormatError(
            "not an Excel workbook: a CFMMC daily statement is a .xls (or .xlsx) workbook",
            source=path.name,
            field="file",
        )
    text = _text(head)
    if is_member_csv(text):
        return "member"
    if suffix == ".csv":
        raise StatementFormatError(
            "not a member settlement CSV: its header must name section, member and "
            f"trading_day ({LAYOUT_LINE[2:]})",
            source=path.name,
            field="file",
        )
    return "ctp"


def _text(head: bytes) -> str:
    cut = head.rfind(b"\n")
    part = head if cut < 0 else head[: cut + 1]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return part.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


def read_file(
    path: Path,
    fmt: Format,
    rows: StatementRows | None = None,
    *,
    contracts: Collection[str] | None = None,
) -> StatementRows:
    """The statements of one file of format ``fmt`` (added to ``rows`` if given).
    ``contracts`` (the contract codes RiskDesk knows) refuses a CFMMC line of an unknown
    contract of one of RiskDesk's products and a member line of any unknown contract;
    CTP text is read as it is (a counter lists the contracts of every exchange)."""
    if fmt == "cfmmc":
        return read_cfmmc_file(path, rows, contracts=contracts)
    if fmt == "member":
        return read_member_csv(path, rows, contracts=contracts)
    one = read_ctp_file(path)
    if rows is None:
        return one
    for t, cols in one.frames().tables.items():
        rows.chunks[t].append(cols)
    rows.statements.extend(one.statements)
    rows.names.update(one.names)
    return rows
