"""The Sign-off dialog: approve the current revision in a role, with your own key.

The dialog shows exactly what is being approved — the revision number and its
full content hash, who has signed it already and which approvals are still
missing — and says plainly that signing freezes the revision. ``ask`` returns
``(answer, accepted)`` so tests need no modal loop; ``sign_off_current`` does
the whole gesture for the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from app.content.roles import Roles, load_roles
from app.session.accountability import key_note
from app.store import identity
from app.store.errors import StoreError
from app.store.signoff import RevisionStatus, SignOff, spaced
from app.ui.workspace import Workspace


@dataclass(frozen=True)
class SignOffAnswer:
    role: str
    name: str


def _role_text(roles: Roles, counts: Any) -> str:
    return ", ".join(f"{roles.label(role)}" + (f" × {n}" if n > 1 else "") for role, n in counts.items())


class SignOffDialog(QDialog):
    def __init__(self, status: RevisionStatus, roles: Roles, name: str, key_text: str,
                 parent: QWidget | None = None, warning: str = "") -> None:
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

        self.warning = QLabel(f"<b>Before you sign:</b> {warning}" if warning else "")
        self.warning.setObjectName("readinessWarning")
        self.warning.setWordWrap(True)
        self.warning.setVisible(bool(warning))
        layout.addWidget(self.warning)

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
            key_text: str, warning: str = "") -> tuple[SignOffAnswer | None, bool]:
        dialog = cls(status, roles, name, key_text, parent, warning)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return (dialog.answer() if accepted else None), accepted


def sign_off_current(parent: QWidget, workspace: Workspace) -> SignOff | None:
    """Ask, sign, remember the name; errors reach the person through the workspace, never a traceback."""
    session = workspace.session
    if session is None:
        return None
    session.flush()
    try:
        roles = load_roles()
        status = session.core.revision_status()
    except Exception as error:  # noqa: BLE001 - a broken roles file or file error goes to the person
        workspace.error.emit("Cannot sign off", str(error))
        return None
    from app.ui.readiness import readiness_warning
    analysis = workspace.analysis.latest if workspace.analysis is not None else None
    warning = readiness_warning(analysis, status, "signoff")
    answer, accepted = SignOffDialog.ask(parent, status, roles, identity.current_identity().name, key_note(),
                                         warning)
    if not accepted or answer is None:
        return None
    try:
        made = session.core.sign_off(answer.role, answer.name).signoff
    except StoreError as error:
        workspace.error.emit("Sign-off refused", str(error))
        return None
    workspace.message.emit(f"Signed revision {made.revision} as {roles.label(made.role)} — key "
                           f"{spaced(made.fingerprint, 4)}", 8000)
    return made
