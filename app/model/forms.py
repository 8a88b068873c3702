"""Form definitions as plain data (loaded from ``forms/`` by ``app.content``).

The model only needs to know the shape: which fields exist, their types,
defaults and conditions. Loading, schema checks and line numbers live in
``app.content``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field

from app.model.fast_dataclass import dataclass
from app.model.sensitivity import Sensitivity


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class SourcePosition:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class FieldSpec:
    id: str
    path: str
    """Full field path, e.g. ``training.checkpoints[].date``."""
    label: str
    help: str
    type: str
    sensitivity: Sensitivity
    required: bool = False
    applies_when: str | None = None
    options: tuple[Option, ...] = ()
    ladder: str | None = None
    fields: tuple[FieldSpec, ...] = ()
    id_prefix: str = "rec"
    title_field: str | None = None
    placeholder: str | None = None
    source: SourcePosition | None = None
    minimum: float | None = None
    """Smallest allowed value of a number or integer field (inclusive), if the form sets one."""
    maximum: float | None = None
    """Largest allowed value of a number or integer field (inclusive), if the form sets one."""

    @property
    def is_table(self) -> bool:
        return self.type == "table"

    @property
    def is_group(self) -> bool:
        return self.type == "group"

    @property
    def is_leaf(self) -> bool:
        return self.type not in ("table", "group")

    @property
    def table(self) -> str | None:
        """The table this field lives in, if any."""
        head, sep, _ = self.path.partition("[]")
        return head if sep else None

    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def option_label(self, option_id: str) -> str:
        for option in self.options:
            if option.id == option_id:
                return option.label
        return option_id


@dataclass(frozen=True)
class FormSpec:
    stage: str
    title: str
    order: int
    summary: str
    fields: tuple[FieldSpec, ...]
    file: str = ""


@dataclass
class FormSet:
    """All forms of an assessment, with an index by field path."""

    forms: tuple[FormSpec, ...]
    _index: dict[str, FieldSpec] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.forms = tuple(sorted(self.forms, key=lambda f: f.order))
        self._index = {spec.path: spec for form in self.forms for spec in _walk(form.fields)}

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(form.stage for form in self.forms)

    def form(self, stage: str) -> FormSpec:
        for form in self.forms:
            if form.stage == stage:
                return form
        raise KeyError(f"no form for stage {stage!r}")

    def field(self, path: str) -> FieldSpec:
        try:
            return self._index[path]
        except KeyError:
            raise KeyError(f"no field {path!r} in the forms") from None

    def has_field(self, path: str) -> bool:
        return path in self._index

    def all_fields(self) -> Iterator[FieldSpec]:
        return iter(self._index.values())

    def leaves(self) -> Iterator[FieldSpec]:
        return (spec for spec in self._index.values() if spec.is_leaf)

    def tables(self) -> Iterator[FieldSpec]:
        return (spec for spec in self._index.values() if spec.is_table)

    def record_leaves(self, table: str) -> Iterator[FieldSpec]:
        prefix = f"{table}[]."
        return (spec for spec in self.leaves() if spec.path.startswith(prefix))


def _walk(fields: tuple[FieldSpec, ...]) -> Iterator[FieldSpec]:
    for spec in fields:
        yield spec
        yield from _walk(spec.fields)
