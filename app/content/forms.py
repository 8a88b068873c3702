"""Load and check the form definitions in ``forms/``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from app.content.expressions import cel

from app.content.errors import ContentError, ContentErrors
from app.content.locate import content_path
from app.content.yaml_source import display_name, load_yaml_file, MarkedDict, schema_errors
from app.model.forms import FieldSpec, FormSet, FormSpec, Option, SourcePosition
from app.model.sensitivity import Sensitivity

STAGES: tuple[str, ...] = (
    "header", "pre_training", "training", "pre_deployment", "deployment_decision",
    "deployment", "retrospective", "accountability",
)
"""Every assessment has exactly these parts; their ids are stable everywhere."""

RESERVED_RECORD_KEYS = frozenset({"id", "sensitivity", "sensitivity_reason"})
_CONDITION_ROOTS = frozenset(STAGES) | {"record"}


@cache
def _form_schema() -> dict[str, Any]:
    return json.loads((Path(__file__).parent / "jsonschema" / "form.schema.json").read_text())


def load_forms(folder: Path | None = None) -> FormSet:
    """All forms, checked; raise ContentErrors listing every problem found."""
    if folder is None:
        return _default_forms()
    return _load(folder)


@cache
def _default_forms() -> FormSet:
    return _load(content_path("forms"))


def _load(folder: Path) -> FormSet:
    errors: list[ContentError] = []
    forms: list[FormSpec] = []
    for stage in STAGES:
        path = folder / f"{stage}.yaml"
        name = display_name(path)
        if not path.is_file():
            errors.append(ContentError(name, None, None, f"missing: every assessment needs a {stage} form"))
            continue
        try:
            forms.append(_load_form(path, name, stage))
        except ContentErrors as many:
            errors.extend(many.errors)
        except ContentError as one:
            errors.append(one)
    extra = sorted(p.name for p in folder.glob("*.yaml") if p.stem not in STAGES)
    for file_name in extra:
        errors.append(ContentError(display_name(folder / file_name), None, None,
                                   f"not a known stage; stages are {', '.join(STAGES)}"))
    if errors:
        raise ContentErrors(errors)
    return FormSet(tuple(forms))



def _load_form(path: Path, name: str, stage: str) -> FormSpec:
    data = load_yaml_file(path, name)
    found = schema_errors(data, _form_schema(), name)
    if found:
        raise ContentErrors(found)
    if data["stage"] != stage:
        line, column = data.value_marks["stage"]
        raise ContentError(name, line, column, f"stage {data['stage']!r} does not match the file name {stage!r}")
    errors: list[ContentError] = []
    fields = _fields(data["fields"], stage, name, errors, in_table=False)
    if errors:
        raise ContentErrors(errors)
    return FormSpec(stage=stage, title=data["title"], order=data["order"], summary=data["summary"].strip(),
                    fields=fields, file=name)


def _fields(items: list[MarkedDict], parent: str, name: str, errors: list[ContentError],
            in_table: bool) -> tuple[FieldSpec, ...]:
    specs: list[FieldSpec] = []
    seen: set[str] = set()
    for item in items:
        line, column = item.mark
        where = SourcePosition(name, line, column)

        def fail(message: str, key: str | None = None, item: MarkedDict = item) -> None:
            at = item.key_marks.get(key, item.mark) if key else item.mark
            errors.append(ContentError(name, at[0], at[1], message))

        field_id = item["id"]
        if field_id in seen:
            fail(f"field id {field_id!r} is used twice here", "id")
        seen.add(field_id)
        if in_table and field_id in RESERVED_RECORD_KEYS:
            fail(f"{field_id!r} is reserved inside tables; choose another id", "id")
        kind = item["type"]
        path = f"{parent}.{field_id}"
        children: tuple[FieldSpec, ...] = ()
        if kind == "table":
            if in_table:
                fail("tables cannot nest inside tables", "type")
            children = _fields(item["fields"], f"{path}[]", name, errors, in_table=True)
            title = item.get("title_field")
            if title is not None and title not in {c.id for c in children}:
                fail(f"title_field {title!r} is not a field of this table", "title_field")
        elif kind == "group":
            children = _fields(item["fields"], path, name, errors, in_table=in_table)
        for key in ("options", "ladder", "id_prefix", "title_field", "minimum", "maximum"):
            if key in item and not _key_fits(key, kind):
                fail(f"{key!r} does not apply to {kind} fields", key)
        condition = item.get("applies_when")
        if condition is not None:
            problem = condition_problem(condition, in_table)
            if problem:
                fail(f"applies_when: {problem}", "applies_when")
        sensitivity = Sensitivity.parse(item.get("sensitivity", "public"))
        specs.append(FieldSpec(
            id=field_id, path=path, label=item["label"], help=" ".join(item["help"].split()),
            type=kind, sensitivity=sensitivity, required=item.get("required", False),
            applies_when=condition,
            options=tuple(Option(o["id"], o["label"]) for o in item.get("options", [])),
            ladder=item.get("ladder"), fields=children, id_prefix=item.get("id_prefix", "rec"),
            title_field=item.get("title_field"), placeholder=item.get("placeholder"), source=where,
            minimum=item.get("minimum"), maximum=item.get("maximum"),
        ))
    return tuple(specs)


def _key_fits(key: str, kind: str) -> bool:
    return {"options": kind == "enum", "ladder": kind == "level",
            "id_prefix": kind == "table", "title_field": kind == "table",
            "minimum": kind in ("number", "integer"), "maximum": kind in ("number", "integer")}[key]


def condition_problem(expression: str, in_table: bool) -> str | None:
    """Why a condition cannot be used, or None."""
    try:
        program = cel.compile(expression)
    except (ValueError, RuntimeError) as error:
        return str(error).splitlines()[0]
    roots = set(program.variables())
    allowed = _CONDITION_ROOTS if in_table else _CONDITION_ROOTS - {"record"}
    unknown = sorted(roots - allowed)
    if unknown:
        return (f"unknown name {unknown[0]!r}; conditions may refer to "
                f"{', '.join(sorted(allowed))}")
    return None
