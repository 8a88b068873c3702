"""Sign-off roles and required approvals (``schemas/signoff/roles.yaml``).

Kept as content so a lab can add a role (a safety committee member, a
responsible scaling officer) or require a second compliance approval without
touching Python. Mistakes are reported as ``file:line:column: message``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from app.content.errors import ContentError, ContentErrors
from app.content.locate import content_path
from app.content.yaml_source import MarkedDict, load_yaml_file, schema_errors
from app.model.fast_dataclass import dataclass

ROLES_FILE = ("schemas", "signoff", "roles.yaml")


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    help: str


@dataclass(frozen=True)
class Roles:
    roles: tuple[Role, ...]
    required: Mapping[str, int]
    """Approvals per role a revision needs to count as signed off."""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(role.id for role in self.roles)

    def label(self, role_id: str) -> str:
        for role in self.roles:
            if role.id == role_id:
                return role.label
        return role_id


@cache
def _schema() -> dict[str, Any]:
    return json.loads((Path(__file__).parent / "jsonschema" / "roles.schema.json").read_text())


def load_roles(path: Path | None = None) -> Roles:
    """The installed roles (cached), or those of ``path``; ContentErrors lists every mistake."""
    return _default_roles() if path is None else _load(path, str(path))


@cache
def _default_roles() -> Roles:
    path = content_path(*ROLES_FILE)
    return _load(path, "/".join(ROLES_FILE))


def _load(path: Path, name: str) -> Roles:
    data = load_yaml_file(path, name)
    errors = schema_errors(data, _schema(), name)
    if errors:
        raise ContentErrors(errors)
    roles = tuple(Role(r["id"], r["label"], " ".join(str(r["help"]).split())) for r in data["roles"])
    ids = [role.id for role in roles]
    for index, role_id in enumerate(ids):
        if role_id in ids[:index]:
            line, column = data["roles"].item_marks[index]
            errors.append(ContentError(name, line, column, f"role {role_id!r} is defined twice"))
    required = data["required_approvals"]
    for role_id in required:
        if role_id not in ids:
            line, column = required.key_marks[role_id] if isinstance(required, MarkedDict) else (None, None)
            errors.append(ContentError(name, line, column,
                                       f"required_approvals names an unknown role {role_id!r}; "
                                       f"roles: {', '.join(ids)}"))
    if errors:
        raise ContentErrors(errors)
    return Roles(roles, {role_id: int(n) for role_id, n in required.items() if int(n) > 0})
