"""The dialogs of the Margin calls and Notices screens: generate notices, mark a status
by hand, a client's contact.

Each is opened with ``open()`` (not ``exec()``: the caller's event loop goes on, and
tests fill and accept the dialog the user sees) and reports its choice through
``chosen``. They compute nothing: what a choice selects is core's
(``core.services.call_desk.notice_selection``), passed in as ``describe``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.rules.notice_status import CHANNELS
from desktop.i18n import translate
from desktop.screens.notice_text import (
    CHANNEL_LABELS,
    CONTEXT,
    KIND_LABELS,
    LANG_LABELS,
    STATUS_LABELS,
)

KINDS = ("margin_call", "forced_close")


@dataclass(frozen=True)
class GenerateChoice:
    """Notices to generate: kind, language, intended channel, and for whom ("selected"
    rows or "listed": every row the list shows)."""

    kind: str
    lang: str
    channel: str
    scope: str


class GenerateDialog(QDialog):
    """Kind, language, channel and scope of a batch of notices; the line under them says
    how many clients get one (``describe(kind, scope)``, core's selection)."""

    chosen = Signal(object)  # GenerateChoice

    def __init__(
        self,
        parent: QWidget | None,
        selected: int,
        listed: int,
        describe: Callable[[str, str], tuple[str, bool]],
        *,
        kind: str = "margin_call",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("generateNoticesDialog")
        self.setWindowTitle(translate("Calls", "Generate notices"))
        self.setMinimumWidth(420)
        self._describe = describe
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        for code in KINDS:
            self.kind_combo.addItem(translate(CONTEXT, KIND_LABELS[code]), code)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
        self.lang_combo = QComboBox()
        self.lang_combo.setObjectName("langCombo")
        for code in ("zh", "en"):
            self.lang_combo.addItem(translate(CONTEXT, LANG_LABELS[code]), code)
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channelCombo")
        for code in CHANNELS:
            self.channel_combo.addItem(translate(CONTEXT, CHANNEL_LABELS[code]), code)
        self.channel_combo.setCurrentIndex(self.channel_combo.findData("email"))
        self.selected_radio = QRadioButton(
            translate("Calls", "Selected clients (%1)").replace("%1", f"{selected:,}")
        )
        self.selected_radio.setObjectName("scopeSelected")
        self.listed_radio = QRadioButton(
            translate("Calls", "All listed clients (%1)").replace("%1", f"{listed:,}")
        )
        self.listed_radio.setObjectName("scopeListed")
        scope = QButtonGroup(self)
        scope.addButton(self.selected_radio)
        scope.addButton(self.listed_radio)
        self.selected_radio.setEnabled(selected > 0)
        (self.selected_radio if selected else self.listed_radio).setChecked(True)
        self.outcome = QLabel()
        self.outcome.setObjectName("generateOutcome")
        self.outcome.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(translate("Calls", "Generate"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(translate("Calls", "Notice"), self.kind_combo)
        form.addRow(translate("Calls", "Language"), self.lang_combo)
        form.addRow(translate("Calls", "Intended channel"), self.channel_combo)
        form.addRow(translate("Calls", "For"), self.selected_radio)
        form.addRow("", self.listed_radio)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        for signal in (self.kind_combo.currentIndexChanged, scope.buttonToggled):
            signal.connect(self._update)
        self.accepted.connect(lambda: self.chosen.emit(self.choice()))
        self._update()

    def choice(self) -> GenerateChoice:
        return GenerateChoice(
            kind=str(self.kind_combo.currentData()),
            lang=str(self.lang_combo.currentData()),
            channel=str(self.channel_combo.currentData()),
            scope="selected" if self.selected_radio.isChecked() else "listed",
        )

    def _update(self, *_args: object) -> None:
        choice = self.choice()
        text, possible = self._describe(choice.kind, choice.scope)
        self.outcome.setText(text)
        self.ok_button.setEnabled(possible)


@dataclass(frozen=True)
class MarkChoice:
    """A status change recorded by hand: the new status, the channel, a note."""

    status: str
    channel: str
    note: str


class MarkDialog(QDialog):
    """New status (only those every chosen notice may move to), channel and note."""

    chosen = Signal(object)  # MarkChoice

    def __init__(self, parent: QWidget | None, numbers: Sequence[str], statuses: Sequence[str]):
        super().__init__(parent)
        self.setObjectName("markNoticeDialog")
        self.setWindowTitle(translate("Notices", "Mark the delivery status"))
        self.setMinimumWidth(420)
        shown = ", ".join(numbers[:3]) + (" …" if len(numbers) > 3 else "")
        head = QLabel(
            translate("Notices", "%1 notice(s): %2")
            .replace("%1", f"{len(numbers):,}")
            .replace("%2", shown)
        )
        head.setWordWrap(True)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusCombo")
        for status in statuses:
            self.status_combo.addItem(translate(CONTEXT, STATUS_LABELS[status]), status)
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channelCombo")
        for code in CHANNELS:
            self.channel_combo.addItem(translate(CONTEXT, CHANNEL_LABELS[code]), code)
        self.channel_combo.setCurrentIndex(self.channel_combo.findData("sms"))
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setMaxLength(400)
        self.note_edit.setPlaceholderText(
            translate("Notices", "e.g. SMS to 138…, receipt signed by the client")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(translate("Notices", "Record"))
        self.ok_button.setEnabled(bool(statuses))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(translate("Notices", "New status"), self.status_combo)
        form.addRow(translate("Notices", "Channel"), self.channel_combo)
        form.addRow(translate("Notices", "Note"), self.note_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.accepted.connect(lambda: self.chosen.emit(self.choice()))

    def choice(self) -> MarkChoice:
        return MarkChoice(
            status=str(self.status_combo.currentData()),
            channel=str(self.channel_combo.currentData()),
            note=self.note_edit.text().strip(),
        )


@dataclass(frozen=True)
class ContactChoice:
    email: str
    phone: str


class ContactDialog(QDialog):
    """A client's e-mail address and mobile number (where its notices go)."""

    chosen = Signal(object)  # ContactChoice

    def __init__(self, parent: QWidget | None, client: str, email: str, phone: str) -> None:
        super().__init__(parent)
        self.setObjectName("contactDialog")
        self.setWindowTitle(translate("Notices", "Contact of %1").replace("%1", client))
        self.setMinimumWidth(380)
        self.email_edit = QLineEdit(email)
        self.email_edit.setObjectName("emailEdit")
        self.phone_edit = QLineEdit(phone)
        self.phone_edit.setObjectName("phoneEdit")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(translate("Notices", "E-mail"), self.email_edit)
        form.addRow(translate("Notices", "Mobile"), self.phone_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.accepted.connect(lambda: self.chosen.emit(self.choice()))

    def choice(self) -> ContactChoice:
        return ContactChoice(self.email_edit.text().strip(), self.phone_edit.text().strip())
