"""A sign-off's signed statement and its signature check, shared by signing and ``verify``.

Kept apart from ``signoff`` (which signs, and refuses to sign a file that does
not verify) so that ``verification`` can check signatures without importing the
module that calls it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

from app.model.canonical import canonical_json
from app.model.fast_dataclass import dataclass

SIGNOFF_FORMAT = "riskwright-signoff/1"


def fingerprint(public_key: str) -> str:
    """SHA-256 (hex) of the raw public key: what people compare to recognise a signer."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()


def spaced(fingerprint_hex: str, groups: int = 8) -> str:
    """``1a2b 3c4d …``: the first ``groups`` groups of four, for reading aloud."""
    return " ".join(fingerprint_hex[i: i + 4] for i in range(0, groups * 4, 4))


@dataclass(frozen=True)
class SignOff:
    revision: int
    revision_hash: str
    role: str
    name: str
    signed_at: str
    fingerprint: str
    public_key: str
    history_head: str
    document: str
    signature: str
    history_seq: int = 0

    def payload(self) -> dict[str, Any]:
        """Exactly what the signature covers."""
        return {
            "format": SIGNOFF_FORMAT, "document": self.document, "revision": self.revision,
            "revision_hash": self.revision_hash, "role": self.role, "name": self.name,
            "signed_at": self.signed_at, "fingerprint": self.fingerprint, "history_head": self.history_head,
        }

    def signature_is_valid(self) -> bool:
        # Imported here: reading a file without sign-offs (most of a portfolio) never needs cryptography, whose
        # import is ~30 ms of every command's start.
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        try:
            public = Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key))
            public.verify(base64.b64decode(self.signature), canonical_json(self.payload()).encode("utf-8"))
        except (InvalidSignature, ValueError):
            return False
        return fingerprint(self.public_key) == self.fingerprint

    def describe(self) -> str:
        return (f"{self.name} as {self.role}, {self.signed_at} (key {spaced(self.fingerprint, 4)})")

    def as_json(self) -> dict[str, Any]:
        return {**self.payload(), "public_key": self.public_key, "signature": self.signature,
                "history_seq": self.history_seq}


def signoff_from_entry(body: Mapping[str, Any], seq: int) -> SignOff:
    return SignOff(int(body["revision"]), str(body["revision_hash"]), str(body["role"]), str(body["name"]),
                   str(body["signed_at"]), str(body["fingerprint"]), str(body["public_key"]),
                   str(body["history_head"]), str(body["document"]), str(body["signature"]), seq)
