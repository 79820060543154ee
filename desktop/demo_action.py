"""The progress stages of "Create demo data…", named for the dialog. No Qt.

A new install (or the packaged app, which has no ``riskdesk`` command in a shell) opens on
an empty database. The overview offers the imports or "Create demo data…"; the main
window runs ``core.services.demo.create_demo`` for that action on the write worker
(``desktop.tasks.run_op``), its progress stages named by ``stage_names``.
"""

from __future__ import annotations

from core.demo.writer import INSERT_ORDER

GENERATE_STAGES = (
    "generate market",
    "generate clients",
    "generate positions",
    "generate trades",
    "generate receipts",
    "generate funds and balances",
    "assemble tables",
    "generated",
)
"""The stages ``core.demo.generate_demo`` reports before anything is written."""
DELETE_STAGE = "delete previous demo data"


def stage_names(generating: str, deleting: str, writing: str) -> dict[str, str]:
    """Display names of the progress stages of ``create_demo``, from three (translated)
    texts; ``writing`` takes %1 (the table's number) and %2 (the number of tables)."""
    names = dict.fromkeys(GENERATE_STAGES, generating)
    names[DELETE_STAGE] = deleting
    count = len(INSERT_ORDER)
    for number, table in enumerate(INSERT_ORDER, 1):
        names[f"write {table.name}"] = writing.replace("%1", str(number)).replace("%2", str(count))
    return names
