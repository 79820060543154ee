"""PyInstaller entry point: the same commands as the ``riskdesk`` script (desktop.cli:main)."""

from __future__ import annotations

import multiprocessing
import sys

from desktop.cli import main

if __name__ == "__main__":
    # the spare processes (core.worker_pool, the reconciliation's readers) are started
    # with spawn: in the frozen app a child must run its task, not the app
    multiprocessing.freeze_support()
    sys.exit(main())
