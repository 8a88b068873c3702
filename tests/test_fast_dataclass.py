"""``app.model.fast_dataclass.dataclass`` behaves as ``dataclasses.dataclass``: each case makes the same class
with both decorators and compares what code can see of them (the app's own classes are compared field by
field and method by method in a fresh process, as the whole app imports them)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import subprocess
import sys
import textwrap
from typing import Any, ClassVar

import pytest

from app.model.fast_dataclass import dataclass as fast

_MADE: dict[str, Any] = {}


def _both(make: Any) -> tuple[type, type]:
    """The class ``make(decorator)`` builds, made by the standard decorator and by the fast one, both
    reachable at module level (so that pickle finds them)."""
    standard, quick = make(dataclasses.dataclass), make(fast)
    for cls, tag in ((standard, "standard"), (quick, "fast")):
        name = f"{cls.__name__}_{tag}"
        cls.__qualname__ = cls.__name__ = name
        globals()[name] = cls
    return standard, quick


def _frozen_point(decorate: Any) -> type:
    @decorate(frozen=True)
    class Point:
        x: int
        y: int = 0
        tags: tuple[str, ...] = ()
        note: str = dataclasses.field(default="", compare=False)
        extra: list[int] = dataclasses.field(default_factory=list, repr=False, compare=False)
        seen: dict[str, int] = dataclasses.field(default_factory=dict, init=False, compare=False)
        kind: ClassVar[str] = "point"
    return Point


def _mutable(decorate: Any) -> type:
    @decorate
    class Tally:
        name: str
        counts: dict[str, int] = dataclasses.field(default_factory=dict)
        hidden: str | None = dataclasses.field(default=None, compare=False, repr=False)
        later: int = dataclasses.field(default=5, init=False)
    return Tally


def _posted(decorate: Any) -> type:
    @decorate(frozen=True)
    class Indexed:
        """Keeps an index made after __init__."""
        items: tuple[str, ...]
        _index: dict[str, int] = dataclasses.field(default_factory=dict, repr=False, compare=False)

        def __post_init__(self) -> None:
            self._index.update((item, number) for number, item in enumerate(self.items))
    return Indexed


def _hash_field(decorate: Any) -> type:
    @decorate(frozen=True)
    class Keyed:
        key: str
        weight: float = dataclasses.field(default=1.0, hash=False)
        label: str = dataclasses.field(default="", compare=False, hash=True)
    return Keyed


def _empty(decorate: Any) -> type:
    @decorate(frozen=True)
    class Nothing:
        pass
    return Nothing


def _ordered(decorate: Any) -> type:
    @decorate(frozen=True, order=True)
    class Place:
        field: str
        record: str | None = None
        note: str = dataclasses.field(default="", compare=False)
    return Place


CASES = [_frozen_point, _mutable, _posted, _hash_field, _empty, _ordered]


@pytest.mark.parametrize("make", CASES)
def test_the_class_is_the_same_to_code_that_looks_at_it(make: Any) -> None:
    standard, quick = _both(make)
    assert quick.__doc__.replace("_fast", "_standard") == standard.__doc__  # type: ignore[union-attr]
    assert str(inspect.signature(quick)) == str(inspect.signature(standard))
    assert repr(quick.__dataclass_params__) == repr(standard.__dataclass_params__)  # type: ignore[attr-defined]
    assert quick.__match_args__ == standard.__match_args__  # type: ignore[attr-defined]
    assert [(f.name, f.default, f.init, f.repr, f.compare, f.hash) for f in dataclasses.fields(quick)] \
        == [(f.name, f.default, f.init, f.repr, f.compare, f.hash) for f in dataclasses.fields(standard)]
    assert (quick.__hash__ is None) == (standard.__hash__ is None)
    for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__", "__lt__", "__le__",
                 "__gt__", "__ge__"):
        assert (name in quick.__dict__) == (name in standard.__dict__), name
        if quick.__dict__.get(name) is not None:  # both made as ``make``'s local class
            assert quick.__dict__[name].__qualname__ == standard.__dict__[name].__qualname__
    for name in ("__eq__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__"):  # the standard code: as fast
        if quick.__dict__.get(name) is not None:
            mine, theirs = quick.__dict__[name].__code__, standard.__dict__[name].__code__
            assert (mine.co_code, mine.co_names, mine.co_consts) == (theirs.co_code, theirs.co_names, theirs.co_consts)


def _pair(standard: type, quick: type, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    return standard(*args, **kwargs), quick(*args, **kwargs)


def test_a_frozen_class_compares_hashes_shows_and_refuses_as_the_standard_one() -> None:
    standard, quick = _both(_frozen_point)
    a, b = _pair(standard, quick, 1, 2, ("x",), "n", [3])
    assert repr(b).replace("_fast", "_standard") == repr(a)
    assert b == quick(1, 2, ("x",), "other note", [3]) and b != quick(1, 3, ("x",))
    assert hash(b) == hash(a) == hash(quick(1, 2, ("x",), extra=[3]))
    assert b != a and a != b  # only the very same class compares by value
    assert (b == 1) is False and b.__eq__(1) is NotImplemented
    assert quick(1).extra is not quick(1).extra  # a factory per instance, in and outside __init__
    assert quick(1).seen == {} and quick(1).seen is not quick(1).seen
    for target in (a, b):
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
            target.x = 5
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'y'"):
            del target.y
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'other'"):
            target.other = 1
    copied = dataclasses.replace(b, y=7)
    assert type(copied) is quick and copied.y == 7 and copied.tags == ("x",)
    assert pickle.loads(pickle.dumps(b)) == b and copy.deepcopy(b) == b
    assert dataclasses.asdict(b) == dataclasses.asdict(a)
    with pytest.raises(TypeError):
        quick()
    with pytest.raises(TypeError):
        quick(1, seen={})


def test_a_mutable_class_is_unhashable_and_assignable() -> None:
    standard, quick = _both(_mutable)
    a, b = _pair(standard, quick, "n", {"a": 1}, "h")
    assert repr(b).replace("_fast", "_standard") == repr(a)
    assert b.later == 5 and quick.later == 5  # outside __init__: the class attribute stands for it
    b.name = "m"
    assert b.name == "m" and b == quick("m", {"a": 1}) and b != quick("m")
    with pytest.raises(TypeError):
        hash(b)


def test_post_init_hash_fields_and_an_empty_class() -> None:
    standard, quick = _both(_posted)
    assert quick(("a", "b"))._index == {"a": 0, "b": 1} == standard(("a", "b"))._index
    assert quick.__doc__ == "Keeps an index made after __init__."
    standard, quick = _both(_hash_field)
    a, b = _pair(standard, quick, "k", 2.0, "l")
    assert hash(b) == hash(a) == hash(("k", "l"))
    assert b == quick("k", 2.0, "other") and b != quick("k", 3.0, "l")
    standard, quick = _both(_empty)
    assert quick() == quick() and hash(quick()) == hash(()) and repr(quick()) == "Nothing_fast()"


def test_an_ordered_class_sorts_as_the_standard_one() -> None:
    standard, quick = _both(_ordered)
    values = [("b", None, "x"), ("a", "r-2", ""), ("a", "r-10", "n"), ("b", "a", "")]
    as_standard = sorted(standard(*v) for v in values if v[1] is not None)
    as_quick = sorted(quick(*v) for v in values if v[1] is not None)
    assert [(p.field, p.record) for p in as_quick] == [(p.field, p.record) for p in as_standard]
    assert quick("a") <= quick("a", note="other") and not quick("b", "a") < quick("a", "z")
    assert quick("a").__lt__(standard("a")) is NotImplemented
    with pytest.raises(TypeError):
        quick("a") < standard("b")  # noqa: B015


def test_a_class_that_contains_itself_shows_dots() -> None:
    standard, quick = _both(_mutable)
    a, b = _pair(standard, quick, "loop")
    a.counts["me"] = a  # type: ignore[assignment]
    b.counts["me"] = b  # type: ignore[assignment]
    assert repr(b).replace("_fast", "_standard") == repr(a)
    assert repr(a) == "Tally_standard(name='loop', counts={'me': ...}, later=5)"


def test_subclasses_and_what_goes_to_the_standard_decorator() -> None:
    @fast(frozen=True)
    class Base:
        id: str
        depends: frozenset[str] = frozenset()

    @fast(frozen=True)
    class Rule(Base):
        limit: int = 3

    @dataclasses.dataclass(frozen=True)
    class StandardRule(Base):  # the standard decorator reads the fast base's parameters (frozen) and fields
        other: int = 1

    rule = Rule("r", frozenset({"a"}), 4)
    assert repr(rule).endswith("Rule(id='r', depends=frozenset({'a'}), limit=4)")
    assert rule == Rule("r", frozenset({"a"}), 4) and rule != Base("r", frozenset({"a"}))
    assert hash(rule) == hash(("r", frozenset({"a"}), 4))
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.limit = 1  # type: ignore[misc]
    assert StandardRule("s").other == 1
    with pytest.raises(TypeError, match="non-frozen"):
        @fast
        class Unfrozen(Base):
            more: int = 0

    @fast(frozen=True, order=True)
    class Ordered:
        key: str
    assert Ordered("a") < Ordered("b") and "__lt__" in Ordered.__dict__

    @fast(frozen=True, slots=True)
    class Slotted:
        key: str
    assert Slotted.__slots__ == ("key",)

    @fast(frozen=True)
    class OwnRepr:
        key: str

        def __repr__(self) -> str:
            return "mine"
    assert repr(OwnRepr("k")) == "mine" and OwnRepr("k") == OwnRepr("k")


def test_a_default_before_a_required_field_is_refused_as_by_the_standard_decorator() -> None:
    for decorate in (dataclasses.dataclass, fast):
        with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
            @decorate
            class Wrong:
                a: int = 0
                b: int


def test_the_apps_classes_look_the_same_made_either_way() -> None:
    """Every data class the app (but the window) defines, imported with the fast decorator and with the
    standard one put in its place: the same docs, signatures, parameters, fields, methods and hashability."""
    script = textwrap.dedent('''
        import dataclasses, importlib, inspect, json, pkgutil, re, sys
        if sys.argv[1] == "standard":  # in place of the module, before anything imports it
            import types
            stand_in = types.ModuleType("app.model.fast_dataclass")
            stand_in.dataclass = dataclasses.dataclass
            sys.modules["app.model.fast_dataclass"] = stand_in
        import app
        for module in pkgutil.walk_packages(app.__path__, "app."):
            if not module.name.startswith("app.ui"):
                importlib.import_module(module.name)
        seen = {}
        for module in list(sys.modules.values()):
            for value in vars(module).values() if module.__name__.startswith("app.") else ():
                if isinstance(value, type) and dataclasses.is_dataclass(value) \\
                        and value.__module__ == module.__name__:
                    methods = {name: getattr(value.__dict__.get(name), "__qualname__", None) for name in
                               ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__",
                                "__lt__", "__le__", "__gt__", "__ge__")}
                    seen[value.__module__ + "." + value.__qualname__] = [
                        value.__doc__, str(inspect.signature(value)), repr(value.__dataclass_params__),
                        value.__match_args__, value.__hash__ is None, methods,
                        [(f.name, repr(f.default), f.default_factory is dataclasses.MISSING, f.init, f.repr,
                          f.compare, f.hash, str(f.type)) for f in dataclasses.fields(value)]]
        print(re.sub(r" at 0x[0-9a-f]+", "", json.dumps(seen, sort_keys=True, default=str)))
    ''')
    made = {how: subprocess.run([sys.executable, "-c", script, how], capture_output=True, text=True,
                                check=True).stdout
            for how in ("standard", "fast")}
    assert len(made["fast"]) > 10_000 and made["fast"] == made["standard"]
