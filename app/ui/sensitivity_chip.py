"""The sensitivity shown beside every field and record, and the menu to change it.

Raising a value's sensitivity is always allowed; lowering it asks for a reason,
which is recorded with the value (the model's rule: an unreasoned lowering below
the form's default is ignored by redaction) and in the history.

Changing a sensitivity is a deliberate act — a click, the Edit menu's
*Sensitivity…* or Ctrl+Shift+L in a field — never a side effect of typing: the
chip takes no keyboard focus, so Tab goes from answer to answer and a stray
space or letter cannot open its menu and pick a level.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QToolButton, QWidget

from app.model import Sensitivity

LABELS = {Sensitivity.PUBLIC: "Public", Sensitivity.INTERNAL: "Internal", Sensitivity.HAZARDOUS: "Hazardous"}
MNEMONICS = {Sensitivity.PUBLIC: "&Public", Sensitivity.INTERNAL: "&Internal",
             Sensitivity.HAZARDOUS: "&Hazardous"}
EXPLAIN = {
    Sensitivity.PUBLIC: "may appear in the public report",
    Sensitivity.INTERNAL: "internal and reviewer reports only",
    Sensitivity.HAZARDOUS: "internal report only; withheld everywhere else",
}


class ReasonDialog:
    """Asks why a value may be shown more widely than the form's default."""

    @classmethod
    def get_reason(cls, parent: QWidget, what: str, current: Sensitivity,
                   chosen: Sensitivity) -> tuple[str, bool]:
        text, accepted = QInputDialog.getText(
            parent, "Reason for lowering sensitivity",
            f"{what[:1].upper() + what[1:]} is {LABELS[current].lower()} now. Why may it be "
            f"{LABELS[chosen].lower()}?\nThe reason is kept with the value and in the history, and shown "
            f"to reviewers.")
        return text.strip(), bool(accepted and text.strip())


class SensitivityChip(QToolButton):
    """A coloured label that opens a menu of sensitivities."""

    def __init__(self, what: str, default: Sensitivity, on_choose: Callable[[Sensitivity | None, str | None], None],
                 parent: QWidget | None = None, prefix: str = "") -> None:
        super().__init__(parent)
        self._prefix = prefix
        self._what = what
        self._default = default
        self._on_choose = on_choose
        self._chosen: Sensitivity | None = None
        self._shown: tuple[Sensitivity | None, str | None] | None = None
        """What the chip shows now (chosen level, reason): showing the same again changes nothing."""
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(f"Sensitivity of {what}")
        self.setObjectName("sensitivityChip")
        self._menu: QMenu | None = None
        self.clicked.connect(self.open_menu)
        self.show_level(None)

    def open_menu(self) -> None:
        """The choices, built on first use: a form has dozens of chips and most are never opened."""
        if self._menu is None:
            self._menu = QMenu(self)
            self._menu.setAccessibleName(self.accessibleName())
            for level in Sensitivity:
                action = self._menu.addAction(f"{MNEMONICS[level]} — {EXPLAIN[level]}")
                action.setData(level.value)
            self._menu.addSeparator()
            reset = self._menu.addAction(f"Form &default ({LABELS[self._default]})")
            reset.setData("")
            self._menu.triggered.connect(lambda action: self._picked(action.data()))
        self._menu.popup(self.mapToGlobal(self.rect().bottomLeft()))
        self._menu.setActiveAction(self._menu.actions()[list(Sensitivity).index(self.effective)])

    @property
    def effective(self) -> Sensitivity:
        return self._chosen or self._default

    def show_level(self, chosen: Sensitivity | None, reason: str | None = None) -> None:
        # Every saved pause in typing shows the edited field's chip (and its record's) again, almost always
        # unchanged; restyling it each time (unpolish and polish) cost the window more than the rest of it.
        if self._shown == (chosen, reason):
            return
        self._shown = (chosen, reason)
        self._chosen = chosen
        level = self.effective
        marker = "" if chosen is None else " •"
        self.setText(f"{self._prefix}{LABELS[level]}{marker}")
        self.setProperty("level", level.value)
        tip = f"Sensitivity: {LABELS[level]} — {EXPLAIN[level]}."
        if chosen is None:
            tip += " (The form's default.)"
        else:
            tip += f" Chosen for this value; the form's default is {LABELS[self._default].lower()}."
        if reason:
            tip += f"\nReason: {reason}"
        self.setToolTip(tip)
        self.setAccessibleDescription(tip)
        self.style().unpolish(self)
        self.style().polish(self)

    def _picked(self, data: str) -> None:
        self.choose(Sensitivity(data) if data else None)

    def choose(self, level: Sensitivity | None) -> None:
        """Apply a choice as the person made it (asking for a reason when lowering)."""
        reason: str | None = None
        target = level or self._default
        if target < self.effective:
            reason, accepted = ReasonDialog.get_reason(self, self._what, self.effective, target)
            if not accepted:
                return
            if level is None:
                level = target  # back to the default, with the reason for lowering kept
        if level == self._default and reason is None:
            level = None
        self._on_choose(level, reason)


def chip_for(widget: QWidget | None) -> SensitivityChip | None:
    """The chip of the field (or, in a table's list, of the record) that ``widget`` belongs to."""
    while widget is not None:
        chip = getattr(widget, "chip", None) or getattr(widget, "record_chip", None)
        if isinstance(chip, SensitivityChip):
            return chip
        widget = widget.parentWidget()
    return None
