"""YAML for assessments, read within limits and in time linear in its size.

Interchange files come from scripts, other tools and people, so they are read
as untrusted input. PyYAML's own loader builds a node graph recursively (deep
nesting ends in ``RecursionError``), turns 5,000-digit integers into a
``ValueError`` nobody catches, lets ``\\ud800`` through into text that cannot be
stored, and expands aliases without bound (a "billion laughs" file). Its pure
Python scanner is also slow.

Here the event stream (libyaml's C parser when installed) is turned into the
same position-carrying ``MarkedDict``/``MarkedList`` trees that
``app.content.yaml_source`` builds, in one loop with an explicit stack, and
every limit breach is a ``ContentError`` at ``file:line:column`` saying what to
change.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from app.content.errors import ContentError
from app.content.yaml_source import MarkedDict, MarkedList
from app.model.fast_dataclass import dataclass

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SURROGATE = re.compile("[\ud800-\udfff]")
_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp", _STR,
}
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class Limits:
    """What an interchange file may hold. Generous for real assessments, finite for hostile ones."""

    max_bytes: int = 512 * 1024 * 1024
    max_depth: int = 64
    """Nesting of mappings and lists; an assessment needs about 8."""
    max_nodes: int = 20_000_000
    """Values, mappings and lists, counting what every alias stands for."""
    max_scalar_chars: int = 16 * 1024 * 1024
    max_number_digits: int = 40


LIMITS = Limits()


class _Frame:
    __slots__ = ("container", "key", "key_mark", "anchor", "size", "has_key")

    def __init__(self, container: MarkedDict | MarkedList, anchor: str | None) -> None:
        self.container = container
        self.key: Any = None
        self.key_mark: tuple[int, int] = (1, 1)
        self.anchor = anchor
        self.size = 1
        self.has_key = False


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


class _Builder:
    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.resolver = Resolver()
        self.constructor = SafeConstructor()
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.nodes = 0
        self.root: Any = None
        self.documents = 0

    def fail(self, at: tuple[int, int] | None, message: str) -> ContentError:
        return ContentError(self.source, at[0] if at else None, at[1] if at else None, message)

    # -- the loop ---------------------------------------------------------------------
    def build(self, text: str) -> Any:
        loader = _Loader(text)
        try:
            while loader.check_event():
                self.take(loader.get_event())
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            at = (mark.line + 1, mark.column + 1) if mark else None
            context = f" ({error.context})" if error.context else ""
            raise self.fail(at, f"{error.problem or 'not valid YAML'}{context}") from None
        except yaml.YAMLError as error:
            raise self.fail(None, f"not valid YAML ({type(error).__name__})") from None
        finally:
            loader.dispose()
        return self.root

    def take(self, event: Any) -> None:
        if isinstance(event, yaml.ScalarEvent):
            value = self.scalar(event)
            self.add(value, 1, event, event.anchor)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.open(event)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = self.stack.pop()
            if isinstance(frame.container, MarkedDict) and frame.has_key:
                raise self.fail(_mark(event), "a mapping key has no value")
            self.add(frame.container, frame.size, event, frame.anchor, closing=True)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise self.fail(_mark(event), f"alias *{event.anchor} refers to no anchor &{event.anchor} before it")
            value, size = self.anchors[event.anchor]
            self.add(value, size, event, None)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self.fail(_mark(event), "more than one YAML document ('---'); an assessment is one document")

    def open(self, event: Any) -> None:
        is_map = isinstance(event, yaml.MappingStartEvent)
        expected = _MAP if is_map else _SEQ
        if event.tag not in (None, "!", expected):
            raise self.fail(_mark(event), f"the tag {event.tag} is not supported here; remove it")
        if len(self.stack) >= self.limits.max_depth:
            raise self.fail(_mark(event), f"nested more than {self.limits.max_depth} levels deep; "
                                          f"an assessment needs far fewer")
        container: MarkedDict | MarkedList
        if is_map:
            container = MarkedDict()
            container.key_marks, container.value_marks = {}, {}
        else:
            container = MarkedList()
            container.item_marks = []
        container.mark = _mark(event)
        self.stack.append(_Frame(container, event.anchor))

    def add(self, value: Any, size: int, event: Any, anchor: str | None, closing: bool = False) -> None:
        """Put a finished value (scalar, closed container or alias) into its parent."""
        mark = value.mark if closing else _mark(event)
        if not closing:
            self.nodes += size
            if self.nodes > self.limits.max_nodes:
                raise self.fail(mark, f"more than {self.limits.max_nodes:,} values (aliases counted as what "
                                      f"they stand for); split the file or write fewer aliases")
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        parent.size += size
        if closing:
            self.nodes += 1
            if self.nodes > self.limits.max_nodes:
                raise self.fail(mark, f"more than {self.limits.max_nodes:,} values; split the file")
        container = parent.container
        if isinstance(container, MarkedList):
            container.append(value)
            container.item_marks.append(mark)
        elif not parent.has_key:
            self.key_of(parent, value, mark)
        else:
            key = parent.key
            container[key] = value
            container.key_marks[key] = parent.key_mark
            container.value_marks[key] = mark
            parent.has_key = False

    def key_of(self, parent: _Frame, key: Any, mark: tuple[int, int]) -> None:
        if isinstance(key, (MarkedDict, MarkedList)):
            raise self.fail(mark, "a mapping key must be plain text")
        container = parent.container
        assert isinstance(container, MarkedDict)
        if key in container:
            first = container.key_marks[key]
            raise self.fail(mark, f"duplicate key {key!r} (first given at line {first[0]}); keep one")
        parent.key, parent.key_mark, parent.has_key = key, mark, True

    # -- scalars ------------------------------------------------------------------------------
    def scalar(self, event: Any) -> Any:
        value: str = event.value
        at = _mark(event)
        if len(value) > self.limits.max_scalar_chars:
            raise self.fail(at, f"a value of {len(value):,} characters; the limit is "
                                f"{self.limits.max_scalar_chars:,}")
        found = _SURROGATE.search(value)
        if found:
            raise self.fail(at, f"contains the code point U+{ord(found.group()):04X}, half of a surrogate pair "
                                f"and not a character; remove it or write the whole character")
        tag = event.tag
        if tag in (None, "!"):
            tag = _STR if tag == "!" else self.resolver.resolve(ScalarNode, value, event.implicit)
        if tag == "tag:yaml.org,2002:merge":
            raise self.fail(at, "'<<' merges mappings, which is not supported here; write the fields out "
                                "(or quote it: '<<')")
        if tag == _STR:
            return value
        if tag not in _SCALAR_TAGS:
            raise self.fail(at, f"the tag {tag} is not supported here; remove it")
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            digits = sum(ch.isdigit() for ch in value)
            if digits > self.limits.max_number_digits:
                raise self.fail(at, f"a number with {digits} digits; write at most "
                                    f"{self.limits.max_number_digits} (use an exponent: 3.2e25)")
        node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.yaml_constructors[tag](self.constructor, node)
        except (ConstructorError, ValueError, OverflowError, TypeError):
            raise self.fail(at, f"{value[:40]!r} is not a valid {tag.rsplit(':', 1)[-1]}") from None


def load_bounded(text: str, source: str, limits: Limits = LIMITS) -> Any:
    """Parse one YAML document into MarkedDict/MarkedList; ContentError (with position) on any problem."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise ContentError(source, None, None, f"{size:,} bytes; the limit for one assessment is "
                                               f"{limits.max_bytes:,}")
    found = _SURROGATE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        raise ContentError(source, line, column, "not valid text (an unpaired surrogate code point); "
                                                 "save the file as UTF-8")
    return _Builder(source, limits).build(text)
