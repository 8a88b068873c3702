"""The product's own choice words, which the finished-file scan does not search for on their own.

A withheld choice (a withheld record's kind "information", its level "medium") hides *which* option
was chosen; the word itself is the product's, printed in any report, in a Word file's built-in style
names and in the licence text of every PDF's embedded fonts ("For further information, contact …").
Searching a finished file for it alone can only refuse the export. The word never reaches the report
model of a wider edition in the first place: the filter replaces the value, and check messages carry
it as labelled text (``app.model.labelled``). Every longer or free text is still searched for.
"""

from __future__ import annotations

from functools import cache


@cache
def choice_vocabulary() -> frozenset[str]:
    """Every option (id and label) of every choice field and every framework's level names, as word views."""
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
