"""The product's own choice words, which the finished-file scan does not search for on their own.

A withheld choice (a withheld record's kind "information", its level "medium") hides *which* option
was chosen; the word itself is the product's, printed in any report, in a Word file's built-in style
names and in the licence text of every PDF's embedded fonts ("For further information, contact …").
Searching a finished file for it alone can only refuse the export. The word never reaches the report
model of a wider edition in the first place: the filter replaces the value, and check messages carry
it as labelled text (``app.model.labelled``). Every longer or free text is still searched for.

The vocabulary needs every installed framework loaded and checked (~0.03-0.05 s, most of them frameworks the
export has no other use for), on the way of every text export: it is kept in the cache folder
(``app.content.derived_cache``: JSON, never pickle) under a hash of every form and framework file's name and
bytes, so a changed, added or removed file is a miss and the vocabulary is worked out — and each file checked
— as before.
"""

from __future__ import annotations

from functools import cache


CACHE_KIND = "choice-vocabulary-1"


@cache
def choice_vocabulary() -> frozenset[str]:
    """Every option (id and label) of every choice field and every framework's level names, as word views."""
    from app.content.derived_cache import cached
    try:
        inputs = _content_bytes()
    except OSError:  # a file that cannot be read: working it out reports it as loading would
        return _worked_out()
    return cached(CACHE_KIND, inputs, _worked_out, lambda words: sorted(words), _decoded)


def _content_bytes() -> list[bytes]:
    """Name and bytes of every file the vocabulary is worked out from: the forms and the frameworks (and the
    schemas they are checked against), and the code that works it out (this module and the word views of
    ``app.redaction.normalise``: a changed rule is a miss even within one version), in a fixed order."""
    from pathlib import Path
    from app.content.frameworks import NOT_FRAMEWORKS, frameworks_folder
    from app.content.locate import content_path
    checks = Path(__file__).resolve().parent.parent / "content" / "jsonschema"
    paths = [*sorted(content_path("forms").glob("*.yaml")),
             *sorted(p for p in frameworks_folder().glob("*.yaml") if p.stem not in NOT_FRAMEWORKS),
             checks / "form.schema.json", checks / "framework.schema.json"]
    inputs: list[bytes] = []
    for path in paths:
        inputs += [str(path).encode("utf-8", "surrogateescape"), path.read_bytes()]
    for code in (Path(__file__).resolve(), Path(__file__).resolve().parent.parent / "redaction" / "normalise.py"):
        try:
            inputs.append(code.read_bytes())
        except OSError:  # a frozen bundle ships no source: its version names the code (as normalise._folding)
            inputs.append(b"")
    return inputs


def _decoded(data: object) -> frozenset[str]:
    if not isinstance(data, list) or not all(isinstance(word, str) for word in data):
        raise ValueError("not a list of words")
    return frozenset(data)


def _worked_out() -> frozenset[str]:
    from app.checks import framework_ids, load_framework
    from app.content.forms import load_forms
    from app.redaction.normalise import word_view
    words: set[str] = set()
    for spec in load_forms().leaves():
        for option in spec.options:
            words |= {word_view(option.id), word_view(option.label)}
    for framework_id in framework_ids():
        framework = load_framework(framework_id)
        for level in (*framework.levels, *framework.security_levels):
            words |= {word_view(level.id), word_view(level.label)}
    return frozenset(words)
