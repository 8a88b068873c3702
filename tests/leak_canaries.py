"""Canaries for the grand leak property test (``tests/test_leak_every_channel.py``).

A generated case is the bundled example with canaries planted in withheld
values of every field type — text and Markdown (plain and as hazard spans),
numbers, integers, compute, dates, choice values (enum, category, level,
framework), whole records (id and title), the model name, the framework,
signers' names, sensitivity reasons and dismissal reasons — each withheld at
internal or hazardous level in the ways the product offers (the field's own
default, an assessor raising a value, a whole record, a span).

Each canary knows the texts it would show as (``needles``): a unique word, a
number's digits, a date in its usual spellings, a choice's label. A needle a
wider output may legitimately hold anyway (a year, a framework's title a
report kind cites) is ``generic``: it only counts as a leak when the output
built from the same document without the canaries does not hold it.

Files are read twice: by the product's own output leak scanner, and by the
independent readers here (``independent_text``), which know nothing of it:
qpdf's uncompressed dump with every PDF string decoded plus poppler's text,
every part of a DOCX package, raw and unescaped HTML/Markdown, and parsed
JSON written out without escapes.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hypothesis import strategies as st

from app.content.forms import load_forms
from app.export.build import Revision
from app.export.redaction_log import FlagDecision
from app.interchange.examples import example_document
from app.model.document import Document, Record, Value
from app.model.forms import FieldSpec
from app.model.paths import Address
from app.model.sensitivity import HAZARD_DOMAINS, Sensitivity
import contextlib

FORMS = load_forms()
MONTHS = ("January February March April May June July August September October November December").split()
LETTERS = "bdfghkmnrstvwz"
WIDER = ("public", "reviewers")
SEES = {"public": Sensitivity.PUBLIC, "reviewers": Sensitivity.INTERNAL, "internal": Sensitivity.HAZARDOUS}


@dataclass
class Canary:
    where: str
    """What was planted where (``number at pre_training.planned_compute_flop``)."""
    level: Sensitivity
    needles: tuple[str, ...]
    generic: bool = False
    address: str | None = None
    """The field address whose value is the canary (None: ids, signers, reasons)."""
    internal_shows: bool = True
    """The internal edition prints it (False for texts no edition prints, e.g. a sensitivity reason)."""
    alternative: object = None
    """What the value is in the document without canaries (another option, another year; None: empty)."""


@dataclass
class Case:
    doc: Document
    canaries: list[Canary] = field(default_factory=list)
    revision: Revision = field(default_factory=lambda: Revision("0" * 64))
    decisions: tuple[FlagDecision, ...] = ()
    baselines: tuple[Document, ...] = ()
    """The same document with every canary value changed (another option, another year) and with every
    canary value empty: a generic needle leaks only when no baseline's output holds it (a check message
    that lists every category "in scope" changes its wording when one of them is not)."""


def normal(text: str) -> str:
    """NFKC, case-folded, format characters dropped, whitespace runs as one space."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return re.sub(r"\s+", " ", text.casefold())


@dataclass(frozen=True)
class Readable:
    """What a reader gets out of a file, normalised; also with every space taken out (a PDF cell wraps
    "0.37–0.60953" as "0.37–0." and "60953" on two lines)."""

    spaced: str
    joined: str
    structure: str = ""
    """A PDF's uncompressed objects as text: searched for words only (its numbers are coordinates, lengths)."""

    @classmethod
    def of(cls, text: str, structure: str = "") -> Readable:
        spaced = normal(text)
        return cls(spaced, spaced.replace(" ", ""), normal(structure))

    def holds(self, needle: str) -> bool:
        """``needle`` is in the text, not as part of a longer word or number."""
        wanted = normal(needle)
        exact = r"(?<![0-9a-z.])" + re.escape(wanted) + r"(?![0-9a-z])"
        if re.search(exact, self.spaced):
            return True
        if re.search(r"[a-z]", wanted) and self.structure and re.search(exact, self.structure):
            return True
        return re.search(r"(?<![0-9.])" + re.escape(wanted.replace(" ", "")) + r"(?![0-9])", self.joined) is not None


# -- generation ---------------------------------------------------------------
def _word(draw, taken: set[str]) -> str:  # type: ignore[no-untyped-def]
    while True:
        word = "zq" + draw(st.text(alphabet=LETTERS, min_size=6, max_size=8)) + "qz"
        if word not in taken:
            taken.add(word)
            return word


def _digits(draw) -> str:  # type: ignore[no-untyped-def]
    """Five significant digits, first and last non-zero, never all alike."""
    middle = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    return draw(st.sampled_from("123456789")) + middle + draw(st.sampled_from("123456789"))


def _number_for(draw, spec: FieldSpec) -> tuple[float | int, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    digits = _digits(draw)
    low = spec.minimum if spec.minimum is not None else 0
    high = spec.maximum if spec.maximum is not None else 1e6
    if spec.type == "integer":
        value: float | int = int(digits)
        top = int(str(int(high))[0]) if high >= 20000 else 0
        if value > high and top:
            # Keep five digits under the maximum (36500 days): a four-digit number is common in a file's own
            # layout (a DOCX column 2041 twips wide), and a canary must be a number only the value can put there.
            value = int(str(1 + int(digits[0]) % (top - 1)) + digits[1:])
        while value > high and value >= 10:
            value //= 10
        return value, (str(value),)
    if spec.type == "flop":
        exponent = draw(st.integers(21, 27))
        mantissa = f"{digits[0]}.{digits[1:]}"
        return float(f"{mantissa}e{exponent}"), (mantissa + "e" + str(exponent), mantissa)
    value = float(digits)
    for shift in range(-5, 7):
        value = float(f"{digits}e{shift}")
        if low <= value <= high:
            break
    shown = f"{value:g}"
    return value, (shown,)


def _date_needles(day: date) -> tuple[str, ...]:
    month = MONTHS[day.month - 1]
    return (day.isoformat(), f"{day.day} {month} {day.year}", f"{month} {day.day}, {day.year}",
            f"{day.day:02d}/{day.month:02d}/{day.year}")


def _level(draw, spec: FieldSpec) -> Sensitivity:  # type: ignore[no-untyped-def]
    choices = [s for s in (Sensitivity.INTERNAL, Sensitivity.HAZARDOUS) if s >= spec.sensitivity]
    return draw(st.sampled_from(choices))


def _leaf_addresses(doc: Document) -> list[tuple[Address, FieldSpec]]:
    found = []
    for address, value in doc.addresses():
        if not FORMS.has_field(address.field):
            continue
        spec = FORMS.field(address.field)
        if spec.is_leaf and value.data is not None:
            found.append((address, spec))
    return found


@st.composite
def cases(draw, plants: int = 8, model_name: bool | None = None) -> Case:  # type: ignore[no-untyped-def]
    """The bundled example with ``plants`` canary values, a withheld record, and the fixed channels."""
    doc = example_document()
    case = Case(doc)
    taken: set[str] = set()
    leaves = [(a, s) for a, s in _leaf_addresses(doc) if a.field not in ("header.framework", "header.model.name")]
    by_type: dict[str, list[tuple[Address, FieldSpec]]] = {}
    for address, spec in leaves:
        by_type.setdefault(spec.type, []).append((address, spec))
    kinds = sorted(t for t in by_type if t != "boolean")
    chosen_types = draw(st.lists(st.sampled_from(kinds), min_size=min(plants, len(kinds)),
                                 max_size=min(plants, len(kinds)), unique=True))
    for field_type in chosen_types:
        address, spec = draw(st.sampled_from(by_type[field_type]))
        _plant(draw, case, address, spec, taken)
    if model_name or (model_name is None and draw(st.booleans())):
        _plant_model_name(draw, case, taken)
    if draw(st.booleans()):
        _plant_framework(draw, case)
    _plant_record(draw, case, taken)
    _plant_regimes(draw, case)
    _plant_people(draw, case, taken)
    case.baselines = tuple(_without_canaries(case, empty) for empty in (False, True))
    return case


def _without_canaries(case: Case, empty: bool) -> Document:
    clean = case.doc.copy()
    for canary in case.canaries:
        slot = clean.value(canary.address) if canary.address else None
        if slot is not None:
            slot.data = None if empty else canary.alternative
    for table, records in clean.tables.items():
        clean.tables[table] = [r for r in records
                               if not any(c.where == f"record {table}[{r.id}]" for c in case.canaries)]
    return clean


def _plant(draw, case: Case, address: Address, spec: FieldSpec, taken: set[str]) -> None:  # type: ignore[no-untyped-def]
    value = case.doc.value(address)
    assert value is not None
    level = _level(draw, spec)
    where = f"{spec.type} at {address}"
    if spec.type in ("text", "markdown"):
        word = _word(draw, taken)
        if spec.type == "markdown" and draw(st.booleans()):
            # A hazard span inside an otherwise visible text: every edition but internal drops the passage.
            domain = draw(st.sampled_from(HAZARD_DOMAINS))
            value.data = f"{value.data or 'Notes'} [[hazard:{domain}]]trial {word} notes[[/hazard]] end."
            case.canaries.append(Canary(f"span in {address}", Sensitivity.HAZARDOUS, (word,), address=str(address)))
            return
        value.data = f"Kept {word} apart"
        value.sensitivity = level
        case.canaries.append(Canary(where, level, (word,), address=str(address)))
        return
    value.sensitivity = level
    if spec.type in ("number", "integer", "flop"):
        number, needles = _number_for(draw, spec)
        value.data = number
        case.canaries.append(Canary(where, level, needles, address=str(address)))
    elif spec.type == "date":
        day = date(draw(st.integers(2041, 2049)), draw(st.integers(1, 12)), draw(st.integers(13, 28)))
        value.data = day
        case.canaries.append(Canary(where, level, _date_needles(day), address=str(address)))
        case.canaries.append(Canary(f"year of {where}", level, (str(day.year),), generic=True,
                                    address=str(address), internal_shows=False,
                                    alternative=day.replace(year=2030)))
    elif spec.type == "enum":
        option = draw(st.sampled_from(spec.options))
        value.data = option.id
        others = [o.id for o in spec.options if normal(option.label) not in normal(o.label)]
        # Other records may hold the same option, so its label only counts where the canary put it.
        case.canaries.append(Canary(where, level, (option.label,), generic=True, address=str(address),
                                    alternative=others[0] if others else None))
    else:  # level, category, framework: labels come from the framework, shown elsewhere too
        case.canaries.append(Canary(where, level, (_choice_label(spec, value.data),), generic=True,
                                    address=str(address), internal_shows=False))


def _choice_label(spec: FieldSpec, data: object) -> str:
    from app.export.framework_view import plain_label
    return plain_label(str(data))


def _plant_model_name(draw, case: Case, taken: set[str]) -> None:  # type: ignore[no-untyped-def]
    word = _word(draw, taken)
    value = case.doc.value("header.model.name")
    assert value is not None
    value.data = f"Orca {word}"
    value.sensitivity = draw(st.sampled_from((Sensitivity.INTERNAL, Sensitivity.HAZARDOUS)))
    case.canaries.append(Canary("model name", value.sensitivity, (word,), address="header.model.name"))


def _plant_framework(draw, case: Case) -> None:  # type: ignore[no-untyped-def]
    from app.export.framework_view import framework_facts
    value = case.doc.value("header.framework")
    assert value is not None
    facts = framework_facts(str(value.data))
    value.sensitivity = draw(st.sampled_from((Sensitivity.INTERNAL, Sensitivity.HAZARDOUS)))
    if facts is not None:
        case.canaries.append(Canary("framework title", value.sensitivity, (facts.title,), generic=True,
                                    address="header.framework"))


def _plant_record(draw, case: Case, taken: set[str]) -> None:  # type: ignore[no-untyped-def]
    # A record whose values already hold a canary keeps them: renaming it (and retitling it) would take
    # those canaries' addresses away, and the positive control would then miss them.
    def free(table: str) -> list[Record]:
        return [r for r in case.doc.tables[table]
                if not any(c.address.startswith(f"{table}[{r.id}].") for c in case.canaries if c.address)]

    tables = sorted(t for t in case.doc.tables if FORMS.has_field(t) and free(t))
    table = draw(st.sampled_from(tables))
    spec = FORMS.field(table)
    record = draw(st.sampled_from(free(table)))
    word = _word(draw, taken)
    old = record.id
    record.id = f"r-{word}"
    for other in case.doc.tables.values():  # references to the record follow its new id
        for each in other:
            for value in each.values.values():
                if value.data == old:
                    value.data = record.id
                elif isinstance(value.data, list) and old in value.data:
                    value.data = [record.id if item == old else item for item in value.data]
    record.sensitivity = draw(st.sampled_from([s for s in (Sensitivity.INTERNAL, Sensitivity.HAZARDOUS)
                                               if s >= spec.sensitivity]))
    title = FORMS.field(f"{table}[].{spec.title_field}") if spec.title_field else None
    if title is not None and title.type in ("text", "markdown") and spec.title_field in record.values:
        record.values[spec.title_field].data = f"Trial {word}"
    case.canaries.append(Canary(f"record {table}[{record.id}]", record.sensitivity, (word,)))


REGIMES = ("anthropic-rsp-1.0", "gdm-fsf-3.0", "meta-frontier-ai-framework-1.0", "ny-raise-act")
"""Regimes no report kind cites by itself, so their names are searchable."""


def _plant_regimes(draw, case: Case) -> None:  # type: ignore[no-untyped-def]
    """The header lists the framework and one more regime, that one withheld (its record or its value)."""
    from app.checks import load_framework
    from app.model.document import Record
    regime = draw(st.sampled_from(REGIMES))
    level = draw(st.sampled_from((Sensitivity.INTERNAL, Sensitivity.HAZARDOUS)))
    own = Record("reg-1", {"framework": Value(case.doc.get("header.framework")), "reason": Value("Own policy")})
    framework = case.doc.value("header.framework")
    if framework is not None and framework.sensitivity is not None:  # named as withheld as the header names it
        own.values["framework"].sensitivity = framework.sensitivity
    other = Record("reg-2", {"framework": Value(regime), "reason": Value("Agreed with a partner")})
    if draw(st.booleans()):
        other.sensitivity = level
    else:
        other.values["framework"].sensitivity = level
    case.doc.tables["header.regimes"] = [own, other]
    case.canaries.append(Canary("record header.regimes[reg-2]", level, (load_framework(regime).name,),
                                generic=True))


def _plant_people(draw, case: Case, taken: set[str]) -> None:  # type: ignore[no-untyped-def]
    signer = _word(draw, taken)
    case.revision = Revision("0" * 64, 3, "signed off", ({
        "role": "safety_lead", "name": f"Dr {signer}", "signed_at": "2026-01-05T10:00:00Z",
        "fingerprint": "ab" * 16},))
    case.canaries.append(Canary("signer's name", Sensitivity.INTERNAL, (signer,)))
    reason = _word(draw, taken)
    lowered = case.doc.value("pre_training.planned_compute_flop")
    if lowered is not None and all(c.address != "pre_training.planned_compute_flop" for c in case.canaries):
        lowered.sensitivity = Sensitivity.PUBLIC
        lowered.sensitivity_reason = f"Cleared by {reason} review"
        case.canaries.append(Canary("sensitivity reason", Sensitivity.INTERNAL, (reason,), internal_shows=False))
    dismissal = _word(draw, taken)
    case.decisions = (FlagDecision("training.summary", "phone_number", "dismiss", f"Checked with {dismissal}",
                                   "2026-01-04T09:00:00Z", "Assessor A"),)
    case.canaries.append(Canary("dismissal reason", Sensitivity.INTERNAL, (dismissal,)))


# -- independent readers --------------------------------------------------------
_PDF_LITERAL = re.compile(rb"\((?:[^()\\]|\\.)*\)", re.S)
_PDF_HEX = re.compile(rb"<(FEFF[0-9A-Fa-f\s]*)>")


def _pdf_text(data: bytes) -> tuple[str, str]:
    missing = [tool for tool in ("qpdf", "pdftotext") if shutil.which(tool) is None]
    if missing:  # the independent readers must run: without them a leak would pass unread
        raise AssertionError(f"{' and '.join(missing)} not found: install the Debian packages qpdf and "
                             "poppler-utils (the README's test command does)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(data)
        dump = Path(folder) / "qdf.pdf"
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(source), str(dump)], check=False,
                       capture_output=True)
        raw = dump.read_bytes() if dump.exists() else data
        text = subprocess.run(["pdftotext", "-q", str(source), "-"], capture_output=True, check=False).stdout
    strings = [m.group(0)[1:-1].decode("latin-1") for m in _PDF_LITERAL.finditer(raw)]
    for match in _PDF_HEX.finditer(raw):
        hexed = re.sub(rb"\s", b"", match.group(1))
        with contextlib.suppress(ValueError):
            strings.append(bytes.fromhex(hexed.decode()).decode("utf-16-be"))
    return "\n".join([text.decode("utf-8", "replace"), *strings]), raw.decode("latin-1")


def _docx_text(data: bytes) -> str:
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            body = package.read(name).decode("utf-8", "replace")
            parts += [name, body, html.unescape(re.sub(r"<[^>]+>", "", body))]
    return "\n".join(parts)


def independent_text(data: bytes, fmt: str) -> Readable:
    """Everything a reader of the file could get at, normalised (see the module docstring)."""
    if fmt == "pdf":
        return Readable.of(*_pdf_text(data))
    if fmt == "docx":
        text = _docx_text(data)
    else:
        raw = data.decode("utf-8", "replace")
        text = raw + "\n" + html.unescape(raw) + "\n" + html.unescape(re.sub(r"<[^>]+>", "", raw))
        if fmt == "json":
            text += "\n" + json.dumps(json.loads(raw), ensure_ascii=False)
    return Readable.of(text)
