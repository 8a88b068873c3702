"""What changed between two frameworks (``riskwright frameworks --diff A B``).

A lead whose assessment passed under one version and fails under the next
needs to see which rules appeared, which went and what changed in the rest:
the condition, the severity, the requirement, the deadline, the citation.
Rules are matched by id (and categories and documents by id and kind), so two
versions that keep their ids line up rule by rule; rules that were renamed
show as one dropped and one added.
"""

from __future__ import annotations

from dataclasses import field, fields, is_dataclass
from typing import Any

from app.content.framework_spec import Category, Condition, Framework, Requirement, Rule
from app.model.fast_dataclass import dataclass

_RULE_SKIP = frozenset({"id", "depends", "stage"})
_PLURAL = {"framework": "Framework", "level": "Levels", "security level": "Security levels",
           "category": "Categories", "document": "Documents", "rule": "Rules"}


@dataclass(frozen=True)
class Change:
    what: str
    """``rule``, ``category``, ``document``, ``level``, ``security level`` or ``framework``."""
    id: str
    kind: str
    """``added``, ``removed`` or ``changed``."""
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class FrameworkDiff:
    old: Framework
    new: Framework
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def of(self, what: str, kind: str | None = None) -> list[Change]:
        return [c for c in self.changes if c.what == what and (kind is None or c.kind == kind)]


def diff_frameworks(old: Framework, new: Framework) -> FrameworkDiff:
    changes: list[Change] = []
    head = [f"{name}: {getattr(old, name)!s} -> {getattr(new, name)!s}"
            for name in ("name", "publisher", "version", "date", "kind", "checked_on")
            if getattr(old, name) != getattr(new, name)]
    if head:
        changes.append(Change("framework", new.id, "changed", tuple(head)))
    changes += _ladder("level", [(lv.id, lv.label) for lv in old.levels], [(lv.id, lv.label) for lv in new.levels])
    changes += _ladder("security level", [(lv.id, lv.label) for lv in old.security_levels],
                       [(lv.id, lv.label) for lv in new.security_levels])
    changes += _keyed("category", {c.id: c for c in old.categories}, {c.id: c for c in new.categories}, _category)
    changes += _keyed("document", {d.kind: d for d in old.documents}, {d.kind: d for d in new.documents},
                      lambda a, b: _fields(a, b, frozenset()))
    changes += _keyed("rule", {r.id: r for r in old.rules}, {r.id: r for r in new.rules}, _rule)
    return FrameworkDiff(old, new, tuple(changes))


def _ladder(what: str, old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[Change]:
    if old == new:
        return []
    shown = lambda ladder: " < ".join(f"{i} ({label})" for i, label in ladder)  # noqa: E731
    return [Change(what, "ladder", "changed", (f"{shown(old)} -> {shown(new)}",))]


def _keyed(what: str, old: dict[str, Any], new: dict[str, Any], compare: Any) -> list[Change]:
    found: list[Change] = []
    for key in new:
        if key not in old:
            found.append(Change(what, key, "added", (_title(new[key]),)))
    for key in old:
        if key not in new:
            found.append(Change(what, key, "removed", (_title(old[key]),)))
    for key in old:
        if key in new:
            details = compare(old[key], new[key])
            if details:
                found.append(Change(what, key, "changed", tuple(details)))
    return found


def _title(item: Any) -> str:
    return str(getattr(item, "title", None) or getattr(item, "label", None) or "")


def _category(old: Category, new: Category) -> list[str]:
    details = _fields(old, new, frozenset({"ladder"}))
    old_steps = {s.level: s for s in old.ladder}
    new_steps = {s.level: s for s in new.ladder}
    for level in sorted(set(old_steps) | set(new_steps)):
        a, b = old_steps.get(level), new_steps.get(level)
        if a is None or b is None:
            details.append(f"level {level}: {'added' if a is None else 'removed'}")
        elif (a.label, a.definition) != (b.label, b.definition):
            details.append(f"level {level}: {a.label}: {a.definition!r} -> {b.label}: {b.definition!r}")
    return details


def _rule(old: Rule, new: Rule) -> list[str]:
    if type(old) is not type(new):
        return [f"kind: {type(old).__name__} -> {type(new).__name__}"]
    return _fields(old, new, _RULE_SKIP)


def _fields(old: Any, new: Any, skip: frozenset[str]) -> list[str]:
    details = []
    for item in fields(old):
        if item.name in skip:
            continue
        a, b = _plain(getattr(old, item.name)), _plain(getattr(new, item.name))
        if a != b:
            details.append(f"{item.name.replace('_', ' ')}: {a} -> {b}")
    return details


def _plain(value: Any) -> str:
    """Values as a lead reads them: a condition as its source, a requirement as words."""
    if value is None:
        return "none"
    if isinstance(value, Condition):
        return value.source
    if isinstance(value, Requirement):
        if value.kind == "document":
            return f"document {value.document}"
        if value.kind == "filled":
            return f"{value.field} filled"
        if value.kind == "at_least":
            return f"{value.field} at least {value.level}"
        return f"{value.field} {value.kind.replace('_', ' ')} {list(value.values)}"
    if isinstance(value, tuple):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if is_dataclass(value):
        return str(value)
    return str(value)


def render_diff(diff: FrameworkDiff) -> str:
    old, new = diff.old, diff.new
    lines = [f"{old.id} ({old.version}, {old.date}) -> {new.id} ({new.version}, {new.date})"]
    if not diff.changes:
        return "\n".join(lines + ["No differences."]) + "\n"
    for what in ("framework", "level", "security level", "category", "document", "rule"):
        for kind in ("removed", "added", "changed"):
            items = diff.of(what, kind)
            if not items:
                continue
            lines += ["", f"{_PLURAL[what]} {kind} ({len(items)}):"]
            for change in items:
                details = list(change.details)
                first = f" - {details.pop(0)}" if kind != "changed" and details else ""
                lines.append(f"  {change.id}{first}")
                lines += [f"      {detail}" for detail in details]
    return "\n".join(lines) + "\n"
