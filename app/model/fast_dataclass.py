"""``dataclass`` as the standard library's, made with one ``exec`` per class instead of about six.

Every command pays for the data classes of the modules it imports before it
does any work: on Python 3.11 and 3.12, ``dataclasses`` compiles each method it
writes (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, and a frozen class's
``__setattr__`` and ``__delattr__``) from source text of its own, ~0.08 ms
each — ~50 ms of an export's ~0.14 s start for ~120 classes. Python 3.13
compiles a class's methods in one go, and there this decorator is the standard
one.

Here the standard decorator still collects the fields (``__dataclass_fields__``,
``fields``, ``replace``, ``asdict`` and ``is_dataclass`` work as ever) but is asked
for no methods. ``__init__`` is compiled from a short text of its own; ``__eq__``
``__hash__`` and ``order``'s methods — hot in some callers — are the very code the standard decorator
compiles, copied from a template compiled once per number of fields with the
class's field names put in (``_templated``); ``__repr__`` and a frozen class's
guards are closures over the field names. Each behaves as the standard method
does: the same ``repr`` text, equality only between instances of exactly the
same class over the compared fields (``NotImplemented`` otherwise), a frozen class
hashable by its fields and raising ``FrozenInstanceError`` with the same words,
an unfrozen class with ``eq`` unhashable, defaults and ``default_factory`` per
call, ``__post_init__`` called, the same signature and generated ``__doc__``, and
``__dataclass_params__`` saying what was asked for (a subclass made by the
standard decorator checks it). Compared with the standard decorator class by
class in ``tests/test_fast_dataclass.py``.

Anything else — ``unsafe_hash``, ``slots``, ``kw_only``, ``InitVar``, a
method the class writes itself that the decorator would otherwise write — goes
to the standard decorator unchanged, and so does a class with data-class bases
apart from its repr/eq/hash (their frozen check would refuse the unfrozen
collection step), which keeps ``__init__`` and the guards the standard ones.
"""

from __future__ import annotations

import builtins
import dataclasses
import sys
import threading
from collections.abc import Callable
from types import CodeType, FunctionType
from typing import Any, TypeVar, dataclass_transform, overload

Class = TypeVar("Class", bound=type)

_STANDARD = sys.version_info >= (3, 13)
"""Python 3.13 compiles a class's methods in one go: nothing to gain here."""

_MISSING = dataclasses.MISSING


class _Factory:
    """The default a ``default_factory`` parameter shows (as the standard ``__init__``'s: ``<factory>``)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@overload
def dataclass(cls: Class, /) -> Class: ...


@overload
def dataclass(*, init: bool = True, repr: bool = True, eq: bool = True, order: bool = False,
              unsafe_hash: bool = False, frozen: bool = False, match_args: bool = True, kw_only: bool = False,
              slots: bool = False) -> Callable[[Class], Class]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def dataclass(cls: Any = None, /, *, init: bool = True, repr: bool = True, eq: bool = True,  # noqa: A002
              order: bool = False, unsafe_hash: bool = False, frozen: bool = False, match_args: bool = True,
              kw_only: bool = False, slots: bool = False) -> Any:
    """``dataclasses.dataclass`` with the same arguments and the same result (see the module's docstring)."""
    options = {"init": init, "repr": repr, "eq": eq, "order": order, "unsafe_hash": unsafe_hash, "frozen": frozen,
               "match_args": match_args, "kw_only": kw_only, "slots": slots}

    def make(cls: type) -> type:
        if _STANDARD or (order and not eq) or unsafe_hash or kw_only or slots \
                or not _plain(cls, init, repr, eq, order, frozen):
            return dataclasses.dataclass(cls, **options)
        return _made(cls, init=init, repr=repr, eq=eq, order=order, frozen=frozen, match_args=match_args)

    return make if cls is None else make(cls)


def _plain(cls: type, init: bool, repr: bool, eq: bool, order: bool, frozen: bool) -> bool:  # noqa: A002
    """Whether ``cls`` uses nothing but what this module makes: no method of its own in place of one it would
    write, no ``InitVar``/``KW_ONLY`` annotation, no keyword-only field, no field named ``self``."""
    own = cls.__dict__
    written = {"__repr__": repr, "__eq__": eq, "__hash__": eq, "__setattr__": frozen, "__delattr__": frozen,
               "__init__": init, **dict.fromkeys(_ORDER, order)}
    if any(wanted and name in own for name, wanted in written.items()):
        return False
    annotations = own.get("__annotations__", {})
    if "self" in annotations or any(name.startswith("__fd_") for name in annotations):
        return False  # names the compiled __init__ uses itself
    for name, annotation in annotations.items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
        if "InitVar" in text or "KW_ONLY" in text:
            return False
        default = own.get(name)
        if isinstance(default, dataclasses.Field) and default.kw_only is True:
            return False
    return True


def _made(cls: type, *, init: bool, repr: bool, eq: bool, order: bool, frozen: bool,  # noqa: A002
          match_args: bool) -> type:
    based = any(hasattr(base, "__dataclass_fields__") for base in cls.__mro__[1:])
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:
        cls.__doc__ = "-"  # the standard decorator would work one out from a signature not yet there
    # The fields, collected by the standard decorator; with data-class bases it also writes ``__init__`` and a
    # frozen class's guards (asking it for an unfrozen class under a frozen base would be refused).
    dataclasses.dataclass(cls, init=based and init, repr=False, eq=False, frozen=based and frozen,
                          match_args=match_args)
    fields = dataclasses.fields(cls)
    if not based:
        if init:
            _put(cls, "__init__", _init(cls, fields, frozen))
        if frozen:
            _put(cls, "__setattr__", _frozen_setattr(cls, fields))
            _put(cls, "__delattr__", _frozen_delattr(cls, fields))
    if repr:
        _put(cls, "__repr__", _repr(tuple(f.name for f in fields if f.repr)))
    if eq:
        compared = tuple(f.name for f in fields if f.compare)
        _put(cls, "__eq__", _templated("__eq__", compared))
        for method in _ORDER if order else ():
            _put(cls, method, _templated(method, compared))
        if frozen:
            _put(cls, "__hash__", _templated("__hash__", tuple(
                f.name for f in fields if (f.compare if f.hash is None else f.hash))))
        else:
            cls.__hash__ = None  # type: ignore[assignment]  # mutable and compared by value: unhashable
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    params.init, params.repr, params.eq, params.order, params.frozen = init, repr, eq, order, frozen
    if not documented:
        cls.__doc__ = _documented(cls, fields, init)
    return cls


def _put(cls: type, name: str, function: Callable[..., Any]) -> None:
    function.__qualname__ = f"{cls.__qualname__}.{name}"
    function.__module__ = cls.__module__
    setattr(cls, name, function)


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...], frozen: bool) -> Callable[..., None]:
    """``__init__``: parameters in field order, a default (or ``<factory>``, called per instance) where the field
    has one, fields outside ``__init__`` set from their factory, a frozen class's values set through
    ``object.__setattr__``, then ``__post_init__`` where the class has one. Its code is a template's for
    classes of the same shape (``_init_template``) with this class's field names put in."""
    kinds: list[str] = []  # per field set here: "p" a parameter, "f" a parameter with a factory, "n" factory only
    names: list[str] = []
    defaults: list[Any] = []
    namespace: dict[str, Any] = {"__builtins__": builtins, "__name__": cls.__module__, "__fd_FACTORY": _FACTORY,
                                 "__fd_set": object.__setattr__}
    for f in fields:
        if f.init:
            if f.default is not _MISSING:
                defaults.append(f.default)
            elif f.default_factory is not _MISSING:
                namespace[f"__fd_factory_{len(names)}"] = f.default_factory
                defaults.append(_FACTORY)
            elif defaults:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
            kinds.append("p" if f.default_factory is _MISSING else "f")
        elif f.default_factory is not _MISSING:
            namespace[f"__fd_factory_{len(names)}"] = f.default_factory
            kinds.append("n")
        else:
            continue  # outside __init__ without a factory: the class attribute (if any) stands for it
        names.append(f.name)
    template = _init_template(frozen, hasattr(cls, "__post_init__"), tuple(kinds))
    real = {f"_fd_field_{number}": name for number, name in enumerate(names)}
    code = template.replace(co_varnames=tuple(real.get(name, name) for name in template.co_varnames),
                            co_names=tuple(real.get(name, name) for name in template.co_names),
                            co_consts=tuple(real.get(value, value) if isinstance(value, str) else value
                                            for value in template.co_consts))
    function = FunctionType(code, namespace, "__init__", tuple(defaults) or None)
    function.__annotations__ = {**{f.name: f.type for f in fields if f.init}, "return": None}
    return function


_INIT_TEMPLATES: dict[tuple[bool, bool, tuple[str, ...]], CodeType] = {}


def _init_template(frozen: bool, post_init: bool, kinds: tuple[str, ...]) -> CodeType:
    """The code of ``__init__`` for classes of one shape, compiled once with stand-in names (``_fd_field_N``:
    parameter, attribute and, for a frozen class, the name passed to ``object.__setattr__``)."""
    template = _INIT_TEMPLATES.get((frozen, post_init, kinds))
    if template is None:
        parameters, lines = ["self"], []
        for number, kind in enumerate(kinds):
            name = f"_fd_field_{number}"
            if kind != "n":
                parameters.append(name)
            value = {"p": name, "f": f"__fd_factory_{number}() if {name} is __fd_FACTORY else {name}",
                     "n": f"__fd_factory_{number}()"}[kind]
            lines.append(f"__fd_set(self, {name!r}, {value})" if frozen else f"self.{name} = {value}")
        if post_init:
            lines.append("self.__post_init__()")
        namespace: dict[str, Any] = {}
        exec(f"def __init__({', '.join(parameters)}):\n    "  # noqa: S102 - our own text: stand-in names only
             + ("\n    ".join(lines) or "pass") + "\n", namespace)
        template = _INIT_TEMPLATES[(frozen, post_init, kinds)] = namespace["__init__"].__code__
    return template


def _documented(cls: type, fields: tuple[dataclasses.Field[Any], ...], init: bool) -> str:
    """The ``__doc__`` the standard decorator gives a class without one: its name and its signature as
    ``inspect`` writes it, without ``-> None`` — written here from the fields where the signature is the
    ``__init__`` made from them (``inspect.signature`` takes ~0.1 ms a class), else asked of ``inspect``."""
    import inspect
    if not init or type(cls) is not type or any("__new__" in base.__dict__ for base in cls.__mro__[:-1]):
        try:
            return cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
        except (TypeError, ValueError):
            return cls.__name__
    parts = []
    for f in fields:
        if not f.init:
            continue
        part = f"{f.name}: {inspect.formatannotation(f.type)}"
        if f.default is not _MISSING:
            part += f" = {f.default!r}"
        elif f.default_factory is not _MISSING:
            part += f" = {_FACTORY!r}"
        parts.append(part)
    return f"{cls.__name__}({', '.join(parts)})"


_REPRESENTING: set[tuple[int, int]] = set()
"""(object id, thread id) of the objects whose ``repr`` is being written: one that contains itself shows ``...``."""


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        key = (id(self), threading.get_ident())
        if key in _REPRESENTING:
            return "..."
        _REPRESENTING.add(key)
        try:
            inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        finally:
            _REPRESENTING.discard(key)
        return f"{self.__class__.__qualname__}({inner})"
    return __repr__


_ORDER = {"__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}

_TEMPLATE_TEXT = {
    **{method: f"def {method}(self, other):\n"
               "    if other.__class__ is self.__class__:\n"
               f"        return ({{mine}}) {operator} ({{theirs}})\n"
               "    return NotImplemented\n" for method, operator in {"__eq__": "==", **_ORDER}.items()},
    "__hash__": "def __hash__(self):\n"
                "    return hash(({mine}))\n",
}
"""``__eq__``, the order methods and ``__hash__`` as the standard decorator writes them, for ``_templated``."""

_TEMPLATES: dict[tuple[str, int], CodeType] = {}
_TEMPLATE_GLOBALS: dict[str, Any] = {"__builtins__": builtins, "__name__": __name__}


def _templated(method: str, names: tuple[str, ...]) -> Callable[..., Any]:
    """``method`` comparing or hashing the tuple of the ``names`` attributes, with the very code a compiled text
    would have — hashing and comparing are hot in some callers — but without compiling it per class: the text
    for this many fields is compiled once, with stand-in attribute names, and each class gets a copy of that
    code with its own names put in their place (attribute names are only entries of ``co_names``)."""
    template = _TEMPLATES.get((method, len(names)))
    if template is None:
        stand_ins = [f"_fd_field_{number}" for number in range(len(names))]
        namespace: dict[str, Any] = {}
        exec(_TEMPLATE_TEXT[method].format(  # noqa: S102 - our own text: stand-in names only
            mine="".join(f"self.{name}," for name in stand_ins),
            theirs="".join(f"other.{name}," for name in stand_ins)), namespace)
        template = _TEMPLATES[(method, len(names))] = namespace[method].__code__
    real = {f"_fd_field_{number}": name for number, name in enumerate(names)}
    code = template.replace(co_names=tuple(real.get(name, name) for name in template.co_names))
    return FunctionType(code, _TEMPLATE_GLOBALS, method)


def _frozen_setattr(cls: type[Any], fields: tuple[dataclasses.Field[Any], ...]) -> Callable[[Any, str, Any], None]:
    names = frozenset(f.name for f in fields)

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)
    return __setattr__


def _frozen_delattr(cls: type[Any], fields: tuple[dataclasses.Field[Any], ...]) -> Callable[[Any, str], None]:
    names = frozenset(f.name for f in fields)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)
    return __delattr__
