"""The checked form definitions, remembered between starts of the desktop app.

Loading ``forms/`` parses eight YAML files and checks each against its JSON
Schema — about a fifth of a second, most of it importing and running the YAML
parser and the schema checker. The result only changes when a form file, the
schema or Riskwright itself changes, so the app keeps the checked ``FormSet``
as JSON in its cache folder, under a name made from a hash of exactly those
inputs. A changed or broken form file gives a new hash, a cache miss, and the
full load with its ``file:line:column`` errors. The cache holds only what the
forms say (labels, help, types, paths); JSON, not pickle, so a file in the cache
folder can never run code.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from app import __version__
from app.model.forms import FieldSpec, FormSet, FormSpec, Option, SourcePosition
from app.model.sensitivity import Sensitivity
from app.places import cache_folder

CACHE_FORMAT = 1


def _inputs_digest() -> str:
    from app.content.locate import content_path
    digest = hashlib.sha256(f"{__version__}\0{CACHE_FORMAT}".encode())
    schema = Path(__file__).resolve().parent.parent / "content" / "jsonschema" / "form.schema.json"
    for path in [schema, *sorted(content_path("forms").glob("*.yaml"))]:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
    return digest.hexdigest()[:32]


def startup_forms() -> FormSet:
    """The forms, from the cache when nothing changed, else loaded (and checked) in full."""
    try:
        key = _inputs_digest()
    except OSError:
        key = None
    cached = cache_folder() / f"forms-{key}.json" if key else None
    if cached is not None and cached.is_file():
        try:
            return _decode(json.loads(cached.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # an unreadable cache is just a miss
    from app.content.forms import load_forms
    forms = load_forms()  # raises ContentError(s) for broken files: nothing is cached then
    if cached is not None:
        _write(cached, forms)
    return forms


def _write(path: Path, forms: FormSet) -> None:
    try:
        from app.store.atomic import write_atomically
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(_encode(forms)).encode("utf-8"))
    except OSError:
        pass  # no cache folder: start-up is slower, nothing else changes


def _encode(forms: FormSet) -> dict[str, Any]:
    return {"format": CACHE_FORMAT, "forms": [
        {"stage": f.stage, "title": f.title, "order": f.order, "summary": f.summary, "file": f.file,
         "fields": [_encode_field(spec) for spec in f.fields]} for f in forms.forms]}


def _encode_field(spec: FieldSpec) -> dict[str, Any]:
    return {
        "id": spec.id, "path": spec.path, "label": spec.label, "help": spec.help, "type": spec.type,
        "sensitivity": spec.sensitivity.value, "required": spec.required, "applies_when": spec.applies_when,
        "options": [[o.id, o.label] for o in spec.options], "ladder": spec.ladder,
        "fields": [_encode_field(child) for child in spec.fields], "id_prefix": spec.id_prefix,
        "title_field": spec.title_field, "placeholder": spec.placeholder,
        "source": None if spec.source is None else [spec.source.file, spec.source.line, spec.source.column],
    }


def _decode(data: dict[str, Any]) -> FormSet:
    if data.get("format") != CACHE_FORMAT:
        raise ValueError("cache written by another version")
    return FormSet(tuple(
        FormSpec(stage=f["stage"], title=f["title"], order=f["order"], summary=f["summary"], file=f["file"],
                 fields=tuple(_decode_field(spec) for spec in f["fields"])) for f in data["forms"]))


def _decode_field(data: dict[str, Any]) -> FieldSpec:
    source = data["source"]
    return FieldSpec(
        id=data["id"], path=data["path"], label=data["label"], help=data["help"], type=data["type"],
        sensitivity=Sensitivity(data["sensitivity"]), required=data["required"],
        applies_when=data["applies_when"], options=tuple(Option(i, label) for i, label in data["options"]),
        ladder=data["ladder"], fields=tuple(_decode_field(child) for child in data["fields"]),
        id_prefix=data["id_prefix"], title_field=data["title_field"], placeholder=data["placeholder"],
        source=None if source is None else SourcePosition(*source),
    )
