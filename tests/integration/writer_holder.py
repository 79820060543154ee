"""Hold a database's writer lock in a real process (the concurrency tests' other writer).

``python -m tests.integration.writer_holder URL WHAT`` opens the database, enters the
write door as ``WHAT`` ("settlement of 2026-11-20"), prints ``holding`` once the lock
is held, waits for a line on stdin and then rolls back: it writes nothing.
"""

from __future__ import annotations

import sys

from sqlalchemy.orm import Session

from core.db.engine import open_database
from core.services.store import Written, write


class _LetGoError(Exception):
    """Leave the door without committing."""


def main(url: str, what: str) -> int:
    db = open_database(url, create=False)

    def work(_session: Session) -> Written[None]:
        print("holding", flush=True)  # noqa: T201 (the test reads it)
        sys.stdin.readline()
        raise _LetGoError

    try:
        write(db, "settlement.run", work, what=what, user="holder")
    except _LetGoError:
        return 0
    finally:
        db.engine.dispose()
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
