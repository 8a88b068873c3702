"""The Sign-off dialog: approve the current revision in a role, with your own key.

The dialog shows exactly what is being approved — the revision number and its
full content hash, who has signed it already and which approvals are still
missing — and says plainly that signing freezes the revision. ``ask`` returns
``(answer, accepted)`` so tests need no modal loop; ``sign_off_current`` does
the whole gesture for the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from app.content.roles import Roles, load_roles
from app.store import identity
from app.store.errors import StoreError
from app.store.signoff import (
    RevisionStatus, SignOff, fingerprint, key_path, load_or_create_key, public_key_text, required_approvals,
    revision_status, sign_off, spaced,
)

if TYPE_CHECKING:
    from app.ui.window import MainWindow


@dataclass(frozen=True)
class SignOffAnswer:
    role: str
    name: str


def key_note() -> str:
    """Which key will sign: the person's existing one, or where a new one will be made."""
    path = key_path()
    if not path.exists():
        return f"A signing key will be created for you in {path.parent} on this first sign-off."
    try:
        print_ = fingerprint(public_key_text(load_or_create_key(path)))
    except StoreError as error:
        return str(error)
    return f"Your key: {spaced(print_)} ({path})"


def _role_text(roles: Roles, counts: Any) -> str:
    return ", ".join(f"{roles.label(role)}" + (f" × {n}" if n > 1 else "") for role, n in counts.items())


class SignOffDialog(QDialog):
    def __init__(self, status: RevisionStatus, roles: Roles, name: str, key_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signOffDialog")
        self.setWindowTitle(f"Sign off revision {status.number}")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"You are approving <b>revision {status.number}</b> of this assessment exactly as it is now. "
            f"Signing freezes it: any later change starts revision {status.number + 1}, which needs its own "
            f"sign-offs.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        facts = QFormLayout()
        digest = QLabel(status.hash)
        digest.setObjectName("revisionHash")
        digest.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(8.0, QFont().pointSizeF() - 1))
        digest.setFont(mono)
        digest.setWordWrap(True)
        digest.setAccessibleName("Content hash of the revision")
        facts.addRow("Content hash:", digest)
        signed = "<br>".join(f"{s.name} — {roles.label(s.role)}, {s.signed_at.replace('T', ' ')}"
                             for s in status.signoffs) or "Nobody yet"
        self.signed = QLabel(signed)
        self.signed.setObjectName("existingSignoffs")
        self.signed.setWordWrap(True)
        facts.addRow("Signed by:", self.signed)
        self.needed = QLabel(_role_text(roles, status.missing) if status.missing else
                             "Nothing: every required approval is in")
        self.needed.setObjectName("missingApprovals")
        self.needed.setWordWrap(True)
        facts.addRow("Still needed:", self.needed)
        layout.addLayout(facts)

        form = QFormLayout()
        self.role = QComboBox()
        self.role.setAccessibleName("Role you sign in")
        for role in roles.roles:
            self.role.addItem(role.label, role.id)
            self.role.setItemData(self.role.count() - 1, role.help, Qt.ItemDataRole.ToolTipRole)
        first_missing = next(iter(status.missing), None)
        if first_missing in roles.ids:
            self.role.setCurrentIndex(roles.ids.index(first_missing))
        form.addRow("&Role:", self.role)
        self.name = QLineEdit(name)
        self.name.setAccessibleName("Your name")
        self.name.setPlaceholderText("Your name as it should appear in the sign-off")
        form.addRow("&Name:", self.name)
        layout.addLayout(form)
        self.key = QLabel(key_text)
        self.key.setObjectName("keyNote")
        self.key.setWordWrap(True)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.key)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton("&Sign off", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setObjectName("signButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.sign_button.setEnabled(bool(self.name.text().strip()))

    def answer(self) -> SignOffAnswer:
        return SignOffAnswer(str(self.role.currentData()), self.name.text().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, status: RevisionStatus, roles: Roles, name: str,
            key_text: str) -> tuple[SignOffAnswer | None, bool]:
        dialog = cls(status, roles, name, key_text, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return (dialog.answer() if accepted else None), accepted


def status_for(session: Any) -> RevisionStatus | None:
    """The open assessment's revision status under the installed approval rules (None if none is open)."""
    if session is None:
        return None
    roles = load_roles()
    return revision_status(session.assessment, required_approvals(roles.required, roles.ids))


def sign_off_current(window: MainWindow) -> SignOff | None:
    """Ask, sign, remember the name; errors become a message box, never a traceback."""
    session = window.session
    if session is None:
        return None
    session.flush()
    try:
        roles = load_roles()
        status = status_for(session)
    except Exception as error:  # noqa: BLE001 - a broken roles file or file error goes to the person
        window.show_error("Cannot sign off", str(error))
        return None
    assert status is not None
    who = identity.current_identity()
    answer, accepted = SignOffDialog.ask(window, status, roles, who.name, key_note())
    if not accepted or answer is None:
        return None
    try:
        made = sign_off(session.assessment, answer.role, answer.name, roles=roles.ids)
    except StoreError as error:
        window.show_error("Sign-off refused", str(error))
        return None
    if who.source != "environment" and answer.name != who.name:
        identity.save_assessor_name(answer.name)  # history entries from now on carry the same name
    window.statusBar().showMessage(
        f"Signed revision {made.revision} as {roles.label(made.role)} — key {spaced(made.fingerprint, 4)}", 8000)
    refresh = getattr(window, "refresh_accountability", None)
    if callable(refresh):
        refresh()
    return made
