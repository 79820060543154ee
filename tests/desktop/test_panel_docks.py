"""The live monitor's panels in docks of the main window (View → Panels), for a desk
with two screens: the charts or the alerts leave the monitor's splitter for a dock that
can float, and closing the dock puts them back where they were."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDockWidget

from desktop.context import DesktopContext
from desktop.main_window import MainWindow
from desktop.screens.monitor import MonitorScreen
from desktop.settings import UiSettings

LOAD_MS = 20_000


# The offscreen platform cannot raise a floating window; a real display can.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_monitor_panels_go_into_docks_float_and_come_back(ctx: DesktopContext, qtbot: Any) -> None:
    window = MainWindow(ctx, "main")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=LOAD_MS)
    tools = window.desk_tools
    tools.dock_actions["alerts"].trigger()
    screen = window.current_page()
    assert isinstance(screen, MonitorScreen)
    assert window.current_key == "monitor"
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_MS)
    dock = screen.docks["alerts"]
    assert isinstance(dock, QDockWidget)
    assert dock.widget() is screen.alerts_panel
    assert screen.splitter.indexOf(screen.alerts_panel) == -1
    qtbot.waitUntil(lambda: dock.isVisible() and screen.alerts_panel.isVisible())
    dock.setFloating(True)  # onto the other screen
    assert dock.isFloating()
    tools.dock_actions["charts"].trigger()
    assert screen.docks["charts"].widget() is screen.charts_panel
    assert screen.top_splitter.indexOf(screen.charts_panel) == -1
    # Closing the dock brings the panel home, and the menu follows.
    dock.close()
    qtbot.waitUntil(lambda: "alerts" not in screen.docks)
    assert screen.splitter.indexOf(screen.alerts_panel) == 1
    assert not tools.dock_actions["alerts"].isChecked()
    tools.dock_actions["charts"].trigger()  # unchecks: back into the splitter
    assert "charts" not in screen.docks
    assert screen.top_splitter.indexOf(screen.charts_panel) == 1
    window.close()
    assert screen.runner is not None
    qtbot.waitUntil(lambda: not screen.runner.is_alive, timeout=LOAD_MS)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_named_window_layout_brings_back_its_docked_panels(
    ctx: DesktopContext, qtbot: Any
) -> None:
    window = MainWindow(ctx, "monitor")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    screen = window.current_page()
    assert isinstance(screen, MonitorScreen)
    qtbot.waitUntil(lambda: screen.is_loaded, timeout=LOAD_MS)
    tools = window.desk_tools
    tools.set_docked("alerts", True)
    tools.save_window_layout("Two screens")
    tools.set_docked("alerts", False)
    tools.save_window_layout("Laptop")
    assert screen.splitter.indexOf(screen.alerts_panel) == 1
    assert tools.apply_window_layout("Two screens")
    assert screen.docks["alerts"].widget() is screen.alerts_panel
    assert tools.dock_actions["alerts"].isChecked()
    assert tools.apply_window_layout("Laptop")
    assert "alerts" not in screen.docks
    assert not tools.apply_window_layout("No such layout")
    # In the user's settings, listed in the menu.
    assert sorted(UiSettings().window_layouts()) == ["Laptop", "Two screens"]
    tools.layouts_menu.aboutToShow.emit()
    names = [a.objectName() for a in tools.layouts_menu.actions()]
    assert names[:2] == ["windowLayout:Laptop", "windowLayout:Two screens"]
    tools.delete_window_layout("Laptop")
    assert list(UiSettings().window_layouts()) == ["Two screens"]
    window.close()
    assert screen.runner is not None
    qtbot.waitUntil(lambda: not screen.runner.is_alive, timeout=LOAD_MS)
