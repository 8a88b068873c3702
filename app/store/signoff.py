"""Sign-off: a person, in a role, approves one revision with an Ed25519 signature.

The signature covers a canonical JSON payload: the document id, revision
number and hash, role, name, time, the signer's key fingerprint and the hash of
the last history entry before the sign-off. Binding the history head means
that rewriting earlier history — even recomputing every hash — no longer
matches any signature. The payload and signature are written twice, in the
history chain and in the ``signoff`` table; ``verify`` checks both agree.

The private key stays in the person's config folder (created on first
sign-off, readable by them only); the file carries the public key and its
fingerprint, so anyone can check the signature without it.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Collection, Mapping
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.model.canonical import canonical_json, revision_hash, short_hash
from app.model.fast_dataclass import dataclass
from app.store import history, identity, revision
from app.store.errors import StoreError
from app.store.signatures import SIGNOFF_FORMAT, SignOff, fingerprint, signoff_from_entry, spaced

if TYPE_CHECKING:  # cryptography is imported where keys are made or read: ~30 ms of every command's start
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = ["SIGNOFF_FORMAT", "SignOff", "fingerprint", "signoff_from_entry", "spaced"]

KEY_FILE = "signing-key.pem"
DEFAULT_REQUIRED: Mapping[str, int] = {"assessor": 1, "compliance_lead": 1}
"""Approvals a revision needs when neither the framework nor the settings say otherwise."""
DEFAULT_ROLES: tuple[str, ...] = ("assessor", "compliance_lead")


class SignOffRefused(StoreError):
    """The sign-off was not made, for a reason the person can act on (nothing was written)."""


# -- keys ------------------------------------------------------------------------
def key_path() -> Path:
    return identity.config_folder() / KEY_FILE


def load_or_create_key(path: Path | None = None) -> Ed25519PrivateKey:
    """The person's signing key; created (owner-only permissions) on first use."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    path = path or key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # created by another process meanwhile: use that one
        else:
            with os.fdopen(handle, "wb") as stream:
                stream.write(pem)
                stream.flush()
                os.fsync(stream.fileno())
            return key
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise StoreError(f"{path}: the signing key cannot be read ({error}). Move the file away to "
                         f"create a new key; signatures made with the old key stay valid.") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise StoreError(f"{path}: not an Ed25519 signing key; move it away to create a new one")
    return loaded


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


# -- sign-offs ----------------------------------------------------------------------
def signoffs(db: Any, revision_number: int | None = None) -> list[SignOff]:
    """Sign-offs as recorded in the history chain, oldest first (all, or one revision's)."""
    sql = "SELECT seq, body FROM history WHERE kind = 'signoff'"
    params: list[Any] = []
    if revision_number is not None:
        sql += " AND revision = ?"
        params.append(revision_number)
    return [signoff_from_entry(json.loads(body), int(seq)) for seq, body in db.execute(sql + " ORDER BY seq", params)]


def sign_off(assessment: Any, role: str, name: str | None = None, key: Ed25519PrivateKey | None = None,
             roles: Collection[str] | None = None) -> SignOff:
    """Sign the current revision of an open ``AssessmentFile`` as ``role``.

    Freezes the revision on its first sign-off. Refuses (SignOffRefused, nothing
    written) an unknown role, a second sign-off of the same revision with the
    same key, and content that changed since its revision was signed without a
    history entry (tampering: run ``riskwright verify``).
    """
    roles = tuple(roles) if roles is not None else DEFAULT_ROLES
    if role not in roles:
        raise SignOffRefused(f"unknown role {role!r}; roles: {', '.join(roles)}")
    name = (name or identity.assessor_name()).strip()
    if not name:
        raise SignOffRefused("a sign-off needs a name: pass --name or set your name in the settings")
    from app.store.verification import verify
    verdict = verify(assessment.db, assessment.document)
    if not verdict.intact:
        raise SignOffRefused(f"the file does not verify ({verdict.problems[0]}); a tampered assessment "
                             f"cannot be signed — see `riskwright verify`")
    key = key or load_or_create_key()
    public = public_key_text(key)
    print_ = fingerprint(public)
    db = assessment.db
    document_id = assessment.meta("document_id") or ""
    with db.atomic():
        last = history.head(db)
        if last.seq == 0:
            raise SignOffRefused("this file has no history to sign; open it with Riskwright first")
        digest = revision_hash(assessment.document)
        number = last.revision
        at = history.now()
        if last.frozen:
            stored = revision.frozen_revision(db, number)
            assert stored is not None
            if stored.hash != digest:
                raise SignOffRefused(
                    f"the content differs from signed revision {number} ({short_hash(stored.hash)}) but no "
                    f"history entry records a change; run `riskwright verify` before signing")
            for earlier in signoffs(db, number):
                if earlier.fingerprint == print_:
                    raise SignOffRefused(
                        f"revision {number} is already signed with this key ({earlier.name} as "
                        f"{earlier.role}); each approval needs its own person and key")
        else:
            revision.freeze(db, number, assessment.document, at)
        signoff = SignOff(number, digest, role, name, at, print_, public, last.hash, document_id, "")
        signature = base64.b64encode(key.sign(canonical_json(signoff.payload()).encode("utf-8"))).decode()
        body = {k: v for k, v in signoff.payload().items() if k not in ("revision", "format")}
        body.update(signoff_format=SIGNOFF_FORMAT, public_key=public, signature=signature)
        entry = history.append(db, [("signoff", body)], who=name, revision=number)[0]
        db.execute("INSERT INTO signoff (revision, history_seq, payload, signature, public_key) "
                   "VALUES (?, ?, ?, ?, ?)",
                   [number, entry.seq, canonical_json(signoff.payload()), signature, public])
    return signoff_from_entry(entry.body, entry.seq)


# -- status ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RevisionStatus:
    """Where the assessment stands: for the window's status, the dialog and reports."""

    number: int
    hash: str
    frozen: bool
    """Signed at least once and unchanged since (an edit would start revision ``number + 1``)."""
    signoffs: tuple[SignOff, ...]
    """Sign-offs of this revision (never of earlier ones)."""
    required: Mapping[str, int]
    missing: Mapping[str, int] = field(default_factory=dict)
    """Roles still needed, with how many more approvals each."""
    last_signed: tuple[int, str, tuple[SignOff, ...]] | None = None
    """(number, hash, sign-offs) of the newest revision that was signed, maybe an earlier one."""

    @property
    def state(self) -> str:
        """``signed off`` (every required approval), ``partly signed`` or ``unsigned``."""
        if not self.signoffs:
            return "unsigned"
        return "partly signed" if self.missing else "signed off"

    def for_report(self) -> dict[str, Any]:
        """What a report states: this revision's hash, number, state and sign-offs, and the last signed one.

        Plain data (``signoffs`` as dicts with ``role``, ``name``, ``signed_at``,
        ``fingerprint``) so the export can build its own ``Revision`` from it.
        """
        def rows(items: tuple[SignOff, ...]) -> tuple[dict[str, str], ...]:
            return tuple({"role": s.role, "name": s.name, "signed_at": s.signed_at, "fingerprint": s.fingerprint}
                         for s in items)

        last = None
        if self.last_signed is not None:
            number, digest, signed = self.last_signed
            last = {"number": number, "hash": digest, "signoffs": rows(signed)}
        return {"hash": self.hash, "number": self.number, "state": self.state, "signoffs": rows(self.signoffs),
                "last_signed": last}

    def summary(self) -> str:
        text = f"revision {self.number} ({short_hash(self.hash)}): {self.state}"
        if self.missing:
            text += "; needs " + ", ".join(f"{n} × {role}" if n > 1 else role for role, n in self.missing.items())
        return text


def revision_status(assessment: Any, required: Mapping[str, int] | None = None,
                    digest: str | None = None) -> RevisionStatus:
    """The current revision, its sign-offs and what approvals are missing.

    Hashes the content once (about as costly as writing the canonical JSON),
    unless ``digest`` gives the hash already computed for it (the window's live
    checks hash it off the GUI thread).
    """
    required = dict(required if required is not None else DEFAULT_REQUIRED)
    db = assessment.db
    now = revision.current_revision(db)
    mine = tuple(signoffs(db, now.number)) if now.frozen else ()
    counts: dict[str, int] = {}
    for signoff in mine:
        counts[signoff.role] = counts.get(signoff.role, 0) + 1
    missing = {role: n - counts.get(role, 0) for role, n in required.items() if counts.get(role, 0) < n}
    if now.frozen:
        stored = revision.frozen_revision(db, now.number)
        digest = stored.hash if stored else revision_hash(assessment.document)
    elif digest is None:
        digest = revision_hash(assessment.document)
    last_signed = None
    frozen = revision.frozen_revisions(db)
    if frozen:
        newest = frozen[-1]
        last_signed = (newest.number, newest.hash, tuple(signoffs(db, newest.number)))
    return RevisionStatus(now.number, digest, now.frozen, mine, required, missing, last_signed)


def required_approvals(defaults: Mapping[str, int], known_roles: Collection[str]) -> dict[str, int]:
    """Approvals a revision needs: the content's defaults, overridden per role by the person's settings.

    ``required_approvals`` in ``settings.json`` maps role ids to counts; entries
    naming unknown roles or holding anything but a whole number ≥ 0 are ignored.
    """
    required = dict(defaults)
    override = identity.read_settings().get("required_approvals")
    if isinstance(override, dict):
        for role, count in override.items():
            if role in known_roles and isinstance(count, int) and not isinstance(count, bool) and count >= 0:
                required[role] = count
    return {role: count for role, count in required.items() if count > 0}
