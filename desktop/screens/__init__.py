"""Screens of the main window. ``registry`` lists them (Qt-free, importable by the CLI)."""
