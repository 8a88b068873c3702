"""Installed commitment frameworks (``schemas/*.yaml``): loading and checking them.

A framework file is content a compliance lead edits, so every mistake in it —
bad YAML, a key the schema does not know, a ladder out of order, a field path
the forms do not define, a condition that does not compile — is reported as
``file:line:column: message`` (``ContentError``/``ContentErrors``), all at
once, when the file loads. Nothing is silently skipped: a rule naming a field
that does not exist would otherwise pass forever.

Public functions: ``framework_ids()``, ``load_framework(id)`` (cached),
``load_framework_file(path)`` (for tests and for checking a draft file), and
``vocabulary_for(id)`` — the categories, ladders and security levels that
``app.model.validate`` and the form widgets offer as choices.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from app.content.errors import ContentError, ContentErrors
from app.content.forms import load_forms
from app.content.framework_rules import RuleBuilder
from app.content.framework_spec import Category, Citation, Framework, Level, Source, Step
from app.content.locate import content_path
from app.content.yaml_source import display_name, load_yaml_file, MarkedDict, schema_errors
from app.model.forms import FormSet
from app.model.validate import Vocabulary

NOT_FRAMEWORKS = frozenset({"audiences"})
"""Other content that lives in ``schemas/`` beside the frameworks (redaction audiences)."""


@cache
def _framework_schema() -> dict[str, Any]:
    return json.loads((Path(__file__).parent / "jsonschema" / "framework.schema.json").read_text())


def frameworks_folder() -> Path:
    return content_path("schemas")


def framework_ids() -> list[str]:
    """Ids of the installed frameworks, from the file names (no file is parsed)."""
    folder = frameworks_folder()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if p.stem not in NOT_FRAMEWORKS)


def load_framework(framework_id: str) -> Framework:
    """The installed framework ``framework_id``; KeyError if none, ContentErrors if broken."""
    if not _installed(framework_id):
        raise KeyError(f"unknown framework {framework_id!r}; installed: {', '.join(framework_ids())}")
    return _load_installed(framework_id)


def _installed(framework_id: str) -> bool:
    """Whether ``framework_ids()`` names ``framework_id``, found with one look at its file rather than by listing
    the folder (the portfolio asks this a few times a file)."""
    if not isinstance(framework_id, str) or framework_id in NOT_FRAMEWORKS or framework_id.startswith("."):
        return False
    return framework_id == Path(framework_id).name and (frameworks_folder() / f"{framework_id}.yaml").is_file()


@cache
def _load_installed(framework_id: str) -> Framework:
    return load_framework_file(frameworks_folder() / f"{framework_id}.yaml")


def load_framework_file(path: Path, forms: FormSet | None = None) -> Framework:
    """Load and check one framework file; raise ContentErrors listing every problem (always that
    type, so callers catch one exception)."""
    name = display_name(path)
    try:
        data = load_yaml_file(path, name)
    except ContentError as error:
        raise ContentErrors([error]) from None
    if isinstance(data, MarkedDict):
        for key in ("date", "checked_on"):
            if isinstance(data.get(key), date):
                data[key] = data[key].isoformat()
    found = schema_errors(data, _framework_schema(), name)
    if found:
        raise ContentErrors(found)
    return _FrameworkReader(data, name, path.stem, forms or load_forms()).read()


def vocabulary_for(framework_id: str | None) -> Vocabulary:
    """The choices an assessment written for ``framework_id`` may use."""
    installed = framework_ids()
    if framework_id is None or framework_id not in installed:
        return Vocabulary(frameworks=installed)
    framework = load_framework(framework_id)
    return Vocabulary(
        frameworks=installed,
        categories=[c.id for c in framework.categories],
        ladders={c.id: list(c.level_ids) for c in framework.categories},
        security_levels=[level.id for level in framework.security_levels],
    )



class _FrameworkReader:
    """Turns checked YAML into a Framework, collecting every semantic error."""

    def __init__(self, data: MarkedDict, name: str, stem: str, forms: FormSet) -> None:
        self.data, self.name, self.stem, self.forms = data, name, stem, forms
        self.errors: list[ContentError] = []
        self.sources: dict[str, Source] = {}

    def fail(self, node: MarkedDict, key: str | None, message: str) -> None:
        line, column = node.value_marks.get(key, node.mark) if key else node.mark
        self.errors.append(ContentError(self.name, line, column, message))

    def cite(self, node: MarkedDict) -> Citation:
        cite = node["cite"]
        source = self.sources.get(cite["source"])
        if source is None:
            self.fail(cite, "source", f"no source {cite['source']!r}; sources are "
                                      f"{', '.join(self.sources) or 'none'}")
            return Citation("", cite["section"], cite["source"])
        return Citation(source.url, cite["section"], source.title, str(cite.get("page", "")),
                        cite.get("verified", "secondary"))

    def read(self) -> Framework:
        data = self.data
        if data["id"] != self.stem:
            self.fail(data, "id", f"id {data['id']!r} does not match the file name {self.stem!r}")
        for item in data["sources"]:
            if item["id"] in self.sources:
                self.fail(item, "id", f"source id {item['id']!r} is used twice")
            self.sources[item["id"]] = Source(item["id"], item["title"], item["url"])
        levels = self._ladder(data["levels"], "levels")
        security = self._ladder(data["security_levels"], "security_levels")
        categories = self._categories(data["categories"], levels)
        builder = RuleBuilder(self, levels, security, categories)
        documents = builder.documents(data.get("documents", []))
        rules = builder.rules(data["rules"])
        score = builder.score(data.get("score"), rules)
        if self.errors:
            raise ContentErrors(sorted(self.errors, key=lambda e: (e.line or 0, e.column or 0)))
        return Framework(
            id=data["id"], name=data["name"], publisher=data["publisher"], version=str(data["version"]),
            date=data["date"], summary=" ".join(data["summary"].split()), sources=tuple(self.sources.values()),
            levels=levels, security_levels=security, categories=categories, documents=documents,
            rules=rules, score=score, notes=" ".join(data.get("notes", "").split()), file=self.name,
            checked_on=data.get("checked_on", ""), kind=data.get("kind", "rubric" if score else "framework"))

    def _ladder(self, items: list[MarkedDict], key: str) -> tuple[Level, ...]:
        """A ladder is its list order; a level listed twice leaves it without one."""
        seen: dict[str, int] = {}
        levels: list[Level] = []
        for item in items:
            level_id = item["id"]
            if level_id in seen:
                self.fail(item, "id", f"{key} is not an ordered ladder: {level_id!r} is listed twice "
                                      f"(first at line {seen[level_id]}); list each level once, lowest first")
                continue
            seen[level_id] = item.mark[0]
            levels.append(Level(level_id, item["label"], len(levels), " ".join(item.get("definition", "").split())))
        return tuple(levels)

    def _categories(self, items: list[MarkedDict], levels: tuple[Level, ...]) -> tuple[Category, ...]:
        rank = {level.id: level for level in levels}
        order = " < ".join(level.id for level in levels)
        categories: list[Category] = []
        seen: set[str] = set()
        for item in items:
            if item["id"] in seen:
                self.fail(item, "id", f"category id {item['id']!r} is used twice")
            seen.add(item["id"])
            steps: list[Step] = []
            for step in item["ladder"]:
                level = rank.get(step["level"])
                if level is None:
                    self.fail(step, "level", f"{step['level']!r} is not one of the framework's levels ({order})")
                    continue
                if steps and level.rank <= steps[-1].rank:
                    self.fail(step, "level",
                              f"the ladder of {item['id']!r} is out of order: {step['level']!r} comes after "
                              f"{steps[-1].level!r}, but the framework's levels run {order}; "
                              f"list them lowest first, each once")
                    continue
                steps.append(Step(level.id, step.get("label", level.label), level.rank,
                                  " ".join(step["definition"].split())))
            categories.append(Category(item["id"], item["label"], item["status"],
                                       " ".join(item["description"].split()), tuple(steps),
                                       tuple(item.get("equivalents", ()))))
        self._check_equivalents(items)
        return tuple(categories)

    def _check_equivalents(self, items: list[MarkedDict]) -> None:
        """An assessment's category id must name exactly one category: an equivalent that is another
        category's own id would never apply (own ids win), and one that two categories claim would
        make the choice depend on the file's order."""
        own = {item["id"]: item for item in items}
        claimed: dict[str, str] = {}
        for item in items:
            equivalents = item.get("equivalents") or []
            marks = getattr(equivalents, "item_marks", None)
            for index, equivalent in enumerate(equivalents):
                line, column = marks[index] if marks else item.mark
                problem = None
                if equivalent == item["id"] or (equivalent in own and equivalent != item["id"]):
                    problem = (f"{equivalent!r} is listed as an equivalent of {item['id']!r}, but it is "
                               f"{'that' if equivalent == item['id'] else 'another'} category's own id; an "
                               f"assessment's {equivalent!r} always means that category, so remove it here")
                elif equivalent in claimed:
                    problem = (f"{equivalent!r} is an equivalent of both {claimed[equivalent]!r} and "
                               f"{item['id']!r}, so an assessment's {equivalent!r} would be ambiguous; "
                               f"keep it in one category only")
                if problem:
                    self.errors.append(ContentError(self.name, line, column, problem))
                else:
                    claimed[equivalent] = item["id"]
