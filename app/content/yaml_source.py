"""YAML loading that remembers where everything came from.

PyYAML forgets line numbers once it builds Python objects and silently keeps
the last of two duplicate keys. Here mappings and lists carry the position of
each entry, duplicate keys are errors, and any schema error can be reported as
``file:line:column``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.content.errors import ContentError, ContentErrors

if TYPE_CHECKING:
    import yaml


class MarkedDict(dict):  # type: ignore[type-arg]
    mark: tuple[int, int] = (1, 1)
    key_marks: dict[Any, tuple[int, int]]
    value_marks: dict[Any, tuple[int, int]]


class MarkedList(list):  # type: ignore[type-arg]
    mark: tuple[int, int] = (1, 1)
    item_marks: list[tuple[int, int]]


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> Any:
    data = MarkedDict()
    data.mark = _position(node)
    data.key_marks, data.value_marks = {}, {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            line, column = _position(key_node)
            raise ContentError(loader.source_name, line, column, "a mapping key must be plain text") from None
        if key in data:
            line, column = _position(key_node)
            first = data.key_marks[key]
            raise ContentError(loader.source_name, line, column,
                               f"duplicate key {key!r} (first given at line {first[0]}); keep one")
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_marks[key] = _position(key_node)
        data.value_marks[key] = _position(value_node)


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> Any:
    data = MarkedList()
    data.mark = _position(node)
    data.item_marks = []
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_marks.append(_position(item))


@cache
def _loader() -> Any:
    """PyYAML's safe loader with marked mappings and lists. PyYAML is imported only here: content parsed
    before comes from the cache folder (``app.content.yaml_cache``), and a command that finds everything
    there never pays for importing the parser (~0.02 s)."""
    import yaml

    class Loader(yaml.SafeLoader):
        source_name = "<yaml>"

    Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    return Loader


def load_yaml_text(text: str, source_name: str) -> Any:
    """Parse YAML text; errors become ContentError with the position. Text parsed before comes from
    the cache folder (``app.content.yaml_cache``); text that does not parse is never kept."""
    from app.content.yaml_cache import cached_yaml
    return cached_yaml(text, lambda: _parse_yaml_text(text, source_name), MarkedDict, MarkedList)


def _parse_yaml_text(text: str, source_name: str) -> Any:
    import yaml

    loader = _loader()(text)
    loader.source_name = source_name
    try:
        return loader.get_single_data()
    except ContentError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problem = error.problem or "not valid YAML"
        context = f" ({error.context})" if error.context else ""
        raise ContentError(source_name, line, column, f"{problem}{context}") from None
    except yaml.YAMLError as error:
        raise ContentError(source_name, None, None, f"not valid YAML: {error}") from None
    finally:
        loader.dispose()


def display_name(path: Path) -> str:
    """How a content file is named in messages: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_yaml_file(path: Path, display_name: str | None = None) -> Any:
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(name, None, None, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise ContentError(name, None, None, f"cannot read: {error.strerror}") from None
    return load_yaml_text(text, name)


def position_of(data: Any, path: Iterable[Any], key: Any = None) -> tuple[int, int]:
    """The deepest known position along ``path`` (a jsonschema error path)."""
    position = getattr(data, "mark", (1, 1))
    node = data
    for step in path:
        if isinstance(node, MarkedDict) and step in node:
            position = node.value_marks.get(step, position)
            node = node[step]
        elif isinstance(node, MarkedList) and isinstance(step, int) and step < len(node):
            position = node.item_marks[step]
            node = node[step]
        else:
            break
    if key is not None and isinstance(node, MarkedDict) and key in node.key_marks:
        position = node.key_marks[key]
    return position


def schema_errors(data: Any, schema: dict[str, Any], source_name: str) -> list[ContentError]:
    """Every JSON Schema violation, located and phrased for a person.

    Data that passed this schema before (in any run) passes again without being walked: the
    ``app.content.schema_cache`` keeps a mark for each (data, schema) pair found valid. Data
    with errors is checked every time, so its messages and positions are always fresh.
    """
    from app.content.schema_cache import known_valid

    return known_valid(data, schema, lambda: _schema_errors(data, schema, source_name))


def _schema_errors(data: Any, schema: dict[str, Any], source_name: str) -> list[ContentError]:
    import jsonschema  # imported only when something is checked (most runs find every file checked before)

    validator = jsonschema.Draft202012Validator(schema)
    found: list[ContentError] = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        key = None
        message = error.message
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            extra = sorted(k for k in error.instance if k not in allowed)
            key = extra[0] if extra else None
            message = (f"unknown key {key!r}; allowed here: {', '.join(sorted(allowed))}"
                       if key is not None else message)
        elif error.validator == "required":
            message = f"missing {message.split(' is a required property')[0]}"
        elif error.validator == "enum":
            message = f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
        line, column = position_of(data, error.absolute_path, key)
        found.append(ContentError(source_name, line, column, message))
    return found


def raise_schema_errors(data: Any, schema: dict[str, Any], source_name: str) -> None:
    found = schema_errors(data, schema, source_name)
    if found:
        raise ContentErrors(found)
