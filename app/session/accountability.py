"""Sign-off and verification as use cases: the same steps for the window and ``riskwright``.

A sign-off needs the roles content, the approvals it requires (the settings may
override them), the person's key and name; a status needs the same approvals.
Both front ends call these functions so they cannot come to disagree on what
"signed off" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.content.roles import Roles, load_roles
from app.store import AssessmentFile, identity
from app.store.errors import StoreError
from app.store.signoff import (
    RevisionStatus, SignOff, fingerprint, key_path, load_or_create_key, public_key_text, required_approvals,
    revision_status, sign_off, spaced,
)
from app.store.verification import Verdict, verify, verify_file


def status_of(assessment: AssessmentFile, roles: Roles | None = None, digest: str | None = None) -> RevisionStatus:
    """The current revision's sign-offs and what is still missing, under the installed approval rules.

    ``digest``: the content's revision hash when already known (saves hashing the document again).
    """
    roles = roles or load_roles()
    return revision_status(assessment, required_approvals(roles.required, roles.ids), digest)


@dataclass(frozen=True)
class Signed:
    signoff: SignOff
    status: RevisionStatus
    """The revision's status after the signature."""
    new_key: Path | None
    """Where a signing key was created for this first sign-off (None: an existing key signed)."""


def sign_current(assessment: AssessmentFile, role: str, name: str | None, roles: Roles | None = None,
                 remember_name: bool = False) -> Signed:
    """Approve the current revision in ``role``; raises SignOffRefused / StoreError with a message.

    ``name`` None signs under the assessor's name (``app.store.identity``).
    ``remember_name``: store the name as the assessor's (history entries from
    now on carry it) unless the environment names the assessor.
    """
    roles = roles or load_roles()
    assessment.wait_for_saves()  # the revision signed is the content saved, every typed edit included
    path = key_path()
    new_key = None if path.exists() else path
    key = load_or_create_key(path)
    made = sign_off(assessment, role, name, key, roles.ids)
    if remember_name and name:
        who = identity.current_identity()
        if who.source != "environment" and name != who.name:
            identity.save_assessor_name(name)
    return Signed(made, status_of(assessment, roles), new_key)


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


def verify_open(assessment: AssessmentFile) -> Verdict:
    """The checks of ``riskwright verify`` on an open file (its saved content, every save finished)."""
    assessment.wait_for_saves()
    return verify(assessment.db, assessment.document)


def verify_path(path: Path) -> Verdict:
    """Verify a file on disk without writing to it."""
    return verify_file(path)
