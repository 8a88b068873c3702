"""A long text's history entries hold what changed, and `verify` still rebuilds every earlier text exactly.

Issue 16 item 5: pasting 1 MB into a field and typing into it wrote two whole
copies of the text per save. The figures are in
tests/benchmarks/bench_history_size.py; here, what a person would notice: the
file stays small, `verify` passes and catches a changed text, the history says
what changed, and other audiences still see no text.
"""

import sqlite3

import pytest

from app.content.forms import load_forms
from app.model import Address, Batch, Sensitivity, SetSensitivity, SetValue
from app.model.changes import undo_entry
from app.model.text_edits import COMPACT_ABOVE
from app.redaction.history_view import TEXT_PLACEHOLDER, history_for_audience
from app.store import AssessmentFile, history
from app.store.verification import verify_file

FIELD = Address.parse("retrospective.predicted_well")


def _paragraphs(count: int) -> str:
    return "\n\n".join(f"Paragraph {n}: the zorvex variant was scored on synthetic tasks — ✓ 𝔷 done."
                       for n in range(count))


@pytest.fixture
def typed(tmp_path, monkeypatch):
    """A file in which a long text was pasted, typed into word by word, cut, raised and cleared."""
    monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Ada Lovelace")
    path = tmp_path / "long.rwa"
    values: list[str | None] = [None, "A short note."]
    with AssessmentFile.create(path) as assessment:
        assessment.apply(SetValue(FIELD, values[-1]))
        values.append(values[-1] + "\n\n" + _paragraphs(300))  # a paste of ~25,000 characters
        assessment.apply(SetValue(FIELD, values[-1]))
        middle = values[-1].index("Paragraph 150")
        for number in range(30):  # one save per word, as the window saves while typing
            text = values[-1]
            values.append(text[:middle] + f"word{number} " + text[middle:])
            middle += len(f"word{number} ")
            assessment.apply(SetValue(FIELD, values[-1]))
        values.append(values[-1][:5000] + values[-1][9000:])  # a cut from the middle
        assessment.apply(Batch((SetValue(FIELD, values[-1]),
                                SetSensitivity(FIELD, Sensitivity.HAZARDOUS, None))))
        values.append(values[-1][:800])  # most of it deleted: this entry keeps the deleted text
        assessment.apply(SetValue(FIELD, values[-1]))
    return path, values


def test_typing_into_a_long_text_keeps_the_file_small_and_verify_rebuilds_every_earlier_text(typed):
    path, values = typed
    with AssessmentFile.open(path, mode="read") as assessment:
        entries = [e for e in history.entries(assessment.db) if e.kind == "value"]
        sizes = [len(row[0]) for row in assessment.db.execute("SELECT body FROM history WHERE kind = 'value'")]
        document = assessment.document.copy()
    # Typing a word into 25,000 characters costs a few hundred bytes, not two copies of the text.
    typing = sizes[2:32]
    assert max(typing) < 700, typing
    assert sum(sizes) < len(values[2]) + 8 * len(values[2]) // 10 + 40 * 700
    assert verify_file(path).intact
    # Replayed backwards from the content, every earlier value comes back exactly.
    rebuilt = []
    for entry in reversed(entries):
        undo_entry(document, entry.body)
        rebuilt.append(document.get(FIELD))
    rebuilt.reverse()
    rebuilt = [text for index, text in enumerate(rebuilt) if index == 0 or text != rebuilt[index - 1]]
    assert rebuilt == values[:-1]  # the sensitivity step of the batch leaves the text as it was


def test_the_history_says_what_changed_in_a_long_text(typed):
    path, values = typed
    with AssessmentFile.open(path, mode="read") as assessment:
        entries = [e for e in history.entries(assessment.db) if e.kind == "value"]
    pasted, first_word, cut, raised = entries[1], entries[2], entries[-3], entries[-2]
    assert pasted.describe().startswith('retrospective.predicted_well: "A short note." → “A short note.  Paragraph')
    assert f"({len(values[2]):,} characters)" in pasted.describe()
    assert first_word.describe().endswith(f"“… synthetic tasks — ✓ 𝔷 done.  ” → "
                                          f"“… synthetic tasks — ✓ 𝔷 done.  word0 ” "
                                          f"(at character {values[2].index('Paragraph 150') + 1:,} "
                                          f"of {len(values[3]):,})")
    assert "at character 5,001 of" in cut.describe()
    assert raised.describe() == "retrospective.predicted_well: sensitivity default → hazardous"


def test_a_long_text_changed_behind_the_history_fails_verify(typed):
    path, _values = typed
    conn = sqlite3.connect(path)
    with conn:
        (text,) = conn.execute("SELECT data FROM value WHERE field = ?", [FIELD.field]).fetchone()
        conn.execute("UPDATE value SET data = ? WHERE field = ?", [text.replace("Paragraph", "Paragraf", 1),
                                                                   FIELD.field])
    conn.close()
    verdict = verify_file(path)
    assert not verdict.intact
    assert "retrospective.predicted_well" in verdict.problems[0] and "outside Riskwright" in verdict.problems[0]


def test_a_compact_entry_whose_earlier_text_does_not_rebuild_fails_verify(typed, tmp_path):
    """A forged entry (its chain re-hashed) that splices the wrong words back in is caught by the earlier hash."""
    path, _values = typed
    conn = sqlite3.connect(path)
    seq, body = conn.execute("SELECT seq, body FROM history WHERE body LIKE '%\"removed\":\"\"%' "
                             "ORDER BY seq LIMIT 1").fetchone()
    forged = body.replace('"removed":""', '"removed":"X"')
    rows = conn.execute("SELECT seq, prev, body FROM history WHERE seq >= ? ORDER BY seq", [seq]).fetchall()
    prev = rows[0][1]
    with conn:
        for number, _old_prev, text in rows:
            text = forged if number == seq else text
            digest = history.chain_hash(prev, text)
            conn.execute("UPDATE history SET prev = ?, hash = ?, body = ? WHERE seq = ?", [prev, digest, text, number])
            prev = digest
    conn.close()
    problems = verify_file(path).problems
    assert any(f"entry #{seq}" in p and "does not match its recorded hash" in p for p in problems), problems


def test_other_audiences_see_no_text_and_no_hash_of_a_long_text(typed):
    path, _values = typed
    with AssessmentFile.open(path, mode="read") as assessment:
        bodies = [e.body for e in history.entries(assessment.db)]
        shown = history_for_audience(bodies, assessment.document, "public", load_forms())
    values = [v for v in shown if v["kind"] == "value"]
    assert len(values) == len([b for b in bodies if b["kind"] == "value"])
    text = repr(values)
    assert "zorvex" not in text and "sha256" not in text and "word0" not in text and "text_edit" not in text
    assert all(v["after"] is None or v["after"]["data"] == TEXT_PLACEHOLDER for v in values)


def test_short_texts_keep_whole_copies(tmp_path, monkeypatch):
    monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Ada Lovelace")
    with AssessmentFile.create(tmp_path / "short.rwa") as assessment:
        assessment.apply(SetValue(FIELD, "x" * COMPACT_ABOVE))
        (entry,) = [e for e in history.entries(assessment.db) if e.kind == "value"]
    assert entry.body["after"] == {"data": "x" * COMPACT_ABOVE}


def test_a_change_past_the_shortened_text_is_shown_where_it_happened(tmp_path, monkeypatch):
    """A word added to the end of a 90-character field read "“text…” → “text…”" (the same twice)."""
    from app.ui.history_rows import change_text
    monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Ada Lovelace")
    field = Address.parse("header.model.modalities")
    before = "text in and out; images in; tool use (code execution, web browsing, file search)"
    with AssessmentFile.create(tmp_path / "short.rwa") as assessment:
        assessment.apply(SetValue(field, before))
        assessment.apply(SetValue(field, before + "; audio in"))
        assessment.apply(SetValue(field, "voice only"))
        added, replaced = [e for e in history.entries(assessment.db) if e.kind == "value"][1:]
    assert added.describe() == ("header.model.modalities: “…on, web browsing, file search)” → "
                                "“…on, web browsing, file search); audio in” (at character 81 of 90)")
    row = change_text(added.body, load_forms(), None)
    assert row.startswith("Modalities: “…") and row.endswith("; audio in” (at character 81 of 90)")
    assert replaced.describe() == ('header.model.modalities: "text in and out; images in; tool use (code execution, '
                                   'web b…" → "voice only"')  # a change at the start: before → after as always
