"""Opening a file for the window, and leaving one, without losing or hiding anything.

* A file another program has open for editing is not opened a second time for
  editing: the person is told who has it and chooses to read it or to work on a
  copy (``InUseDialog``).
* A file that cannot be written (read-only file, folder or drive, or a crash
  journal on read-only media) opens read-only, with the reason.
* Closing, quitting or switching files while edits are unsaved (the disk is
  full) or while a field holds input that cannot be saved asks first
  (``LeaveDialog``).

The dialogs follow the house pattern: a classmethod ``ask`` returning
``(choice, accepted)``, so tests replace it instead of driving a modal loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from app.store import AssessmentFile, FileInUse, ReadOnlyFile
from app.ui.session import InvalidEntry

PROGRAM = "Riskwright window"


class InUseDialog:
    READ, COPY = "read", "copy"

    @classmethod
    def ask(cls, parent: QWidget | None, refused: FileInUse) -> tuple[str, bool]:
        who = refused.holder.describe() if refused.holder else "another program"
        box = QMessageBox(QMessageBox.Icon.Information, "The assessment is open elsewhere",
                          f"{refused.path.name} is open for editing by {who}.\n\n"
                          f"Only one program may change it at a time, so that no one's changes are lost. "
                          f"You can read it here, or work on a copy of it.", QMessageBox.StandardButton.Cancel,
                          parent)
        box.setObjectName("inUseBox")
        read = box.addButton("Open &read-only", QMessageBox.ButtonRole.AcceptRole)
        copy = box.addButton("Open a &copy", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(read)
        box.exec()
        if box.clickedButton() is read:
            return cls.READ, True
        if box.clickedButton() is copy:
            return cls.COPY, True
        return "", False


def copy_name(path: Path) -> Path:
    """``name (copy).rwa`` beside ``path`` (``name (copy 2).rwa`` … when taken)."""
    for number in range(1, 1000):
        suffix = " (copy)" if number == 1 else f" (copy {number})"
        candidate = path.with_name(f"{path.stem}{suffix}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(path)


def open_for_window(path: Path, parent: QWidget | None,
                    ask: Callable[[QWidget | None, FileInUse], tuple[str, bool]] | None = None
                    ) -> AssessmentFile | None:
    """Open ``path`` for editing if possible, else read-only with the reason; None when the person cancels.

    Raises StoreError / OSError (with a message for the person) when the file cannot be opened at all.
    """
    try:
        return AssessmentFile.open(path, "edit", program=PROGRAM)
    except ReadOnlyFile as refused:
        return AssessmentFile.open(path, "read", reason=refused.reason)
    except FileInUse as refused:
        choice, accepted = (ask or InUseDialog.ask)(parent, refused)
        if not accepted:
            return None
        who = refused.holder.describe() if refused.holder else "another program"
        snapshot = AssessmentFile.open(path, "read", reason=f"open for editing by {who}")
        if choice == InUseDialog.READ:
            return snapshot
        try:
            target = copy_name(path)
            snapshot.save_copy(target)
        finally:
            snapshot.close()
        return AssessmentFile.open(target, "edit", program=PROGRAM)


class LeaveDialog:
    BACK, COPY, DISCARD = "back", "copy", "discard"

    @classmethod
    def ask(cls, parent: QWidget | None, unsaved_reason: str | None,
            invalid: Sequence[InvalidEntry], leaving: str = "close") -> tuple[str, bool]:
        """``leaving`` names what happens after Discard: ``close`` (the file) or ``switch`` (to another record)."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved work", leave_message(unsaved_reason, invalid),
                          QMessageBox.StandardButton.NoButton, parent)
        box.setObjectName("leaveBox")
        back = box.addButton("&Go back", QMessageBox.ButtonRole.RejectRole)
        copy = box.addButton("&Save a copy…", QMessageBox.ButtonRole.AcceptRole) if unsaved_reason else None
        discard = box.addButton(f"&Discard and {leaving}", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        clicked = box.clickedButton()
        if copy is not None and clicked is copy:
            return cls.COPY, True
        if clicked is discard:
            return cls.DISCARD, True
        return cls.BACK, False


def leave_message(unsaved_reason: str | None, invalid: Sequence[InvalidEntry]) -> str:
    parts = []
    if unsaved_reason:
        parts.append(f"Your latest changes are not saved: {unsaved_reason}. Save a copy in another place to "
                     f"keep them; closing now loses them.")
    if invalid:
        lines = "\n".join(f"• {entry.label}: “{_short(entry.text)}” — {entry.problem}" for entry in invalid)
        parts.append(f"{'This entry cannot' if len(invalid) == 1 else 'These entries cannot'} be saved as "
                     f"typed and would be lost:\n{lines}\n\nGo back to correct "
                     f"{'it' if len(invalid) == 1 else 'them'}, or discard.")
    return "\n\n".join(parts)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else f"{text[:limit - 1]}…"
