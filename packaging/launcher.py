"""PyInstaller entry point: the same commands as the ``riskdesk`` script (desktop.cli:main)."""

from __future__ import annotations

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
