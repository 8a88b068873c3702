"""Detector speed: every shipped pattern plus 10,000 terms over ~24 MB of assessment-like text.

Run on purpose: ``pytest tests/benchmarks/bench_detectors.py -m benchmark -s``. The target
(issue 4) is at least 20 MB/s on this 2-core machine with 10,000 terms and all patterns.
The text is English-like prose with numbers, dates, typographic punctuation (about one
non-ASCII character per 200, so most values take the non-ASCII path), Markdown emphasis,
the odd hyphenated line break, and a planted hit every ~8 KB (terms, disguised terms,
e-mail addresses, IPs, CVE ids, keys), cut into field values of 0.5–4 KB as the scanner
sees them. Figures printed: MB/s (UTF-8 bytes) for the whole set, for the term lists
alone and for one huge value; the per-edit rescan time on the large example; hits found.
"""

from __future__ import annotations

import os
import random
import statistics
import time

from app.content.forms import load_forms
from app.interchange.examples import large_document
from app.model import Address, SetValue
from app.model.sensitivity import Sensitivity
from app.redaction.audiences import load_audiences
from app.redaction.definitions import DetectorSpec, load_detector_specs
from app.redaction.detectors import DetectorSet, find_many
from app.redaction.flags import document_flags, value_flags
from app.redaction.normalise import warm_up

TARGET_MB_S = 20.0
TERMS = 10_000
CORPUS_CHARS = 24_000_000

WORDS = ("the model evaluation suite was run against several checkpoints and the results were reviewed "
         "by the safety team before deployment capability uplift threshold mitigation elicitation "
         "scaffold agentic tasks graders rubric confidence interval participants red-teaming external "
         "evaluators compute budget training run monitoring incident report determination framework "
         "category cybersecurity persuasion autonomy biological chemical risk level critical high medium "
         "low assessment commitments accountability governance board sign-off revision summary").split()
ASCII_DECOR = ("", "", "", "", "", "", "", "", ",", ",", ".", ".", ";", ":", "'s", " (see section 4.2)",
               " **bold**", " 3.2e25 FLOP", " 2025-03-14", " 12 of 40", " 0.38 (0.27-0.50)", "\n\n")
SPLIT_SHARE = 0.002
"""A word hyphenated across a line break about once per 3,000 characters."""
TYPOGRAPHIC = (" —", "’s", " “quoted”", " (see §4.2)", " 0.38 (0.27–0.50)", " café")
TYPOGRAPHIC_SHARE = 0.03
"""About one typographic (non-ASCII) character per 200 characters, as in edited prose."""
PLANTS = ("Bacillus anthracis", "an\u200bthrax", "ＳＡＲＩＮ", "ada.redteam@lab.test", "198.51.100.7",
          "CVE-2099-12345", "AKIAZZZZZZZZFAKE0000", "Mimikatz", "r\u0456cin", "gizmo-c2.internal")


def _fake_terms(rng: random.Random, count: int) -> tuple[str, ...]:
    syllables = ("zor", "vak", "quel", "trin", "mox", "pyl", "drav", "kesh", "lum", "brix", "nog", "thal")
    terms = set()
    while len(terms) < count:
        words = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(1, 3))]
        terms.add(" ".join(words))
    return tuple(sorted(terms))


def _corpus(rng: random.Random, terms: tuple[str, ...]) -> list[str]:
    values: list[str] = []
    total = 0
    while total < CORPUS_CHARS:
        size = rng.randint(500, 4000)
        parts: list[str] = []
        length = 0
        while length < size:
            decor = rng.choice(TYPOGRAPHIC) if rng.random() < TYPOGRAPHIC_SHARE else rng.choice(ASCII_DECOR)
            word = rng.choice(WORDS) + decor
            if rng.random() < SPLIT_SHARE:
                word = word[:2] + "-\n" + word[2:]
            if rng.random() < 0.0008:
                word = rng.choice(PLANTS + terms[:50])
            parts.append(word)
            length += len(word) + 1
        text = " ".join(parts)
        values.append(text)
        total += len(text)
    return values


def _detectors(terms: tuple[str, ...]) -> DetectorSet:
    extra = DetectorSpec(id="bench_terms", label="Benchmark terms", category="test agent", domain="other",
                         sensitivity=Sensitivity.HAZARDOUS, kind="terms", terms=terms)
    return DetectorSet([*load_detector_specs(), extra])


def test_detector_throughput() -> None:
    rng = random.Random(4)
    terms = _fake_terms(rng, TERMS)
    started = time.perf_counter()
    detectors = _detectors(terms)
    warm_up()
    build = time.perf_counter() - started
    values = _corpus(rng, terms)
    megabytes = sum(len(v.encode("utf-8")) for v in values) / 1e6
    non_ascii = sum(1 for v in values if not v.isascii()) / len(values)

    def run(detector_set: DetectorSet) -> tuple[float, int, float]:
        started, cpu = time.perf_counter(), time.process_time()
        hits = sum(len(detector_set.find(value)) for value in values)
        return time.perf_counter() - started, hits, time.process_time() - cpu

    runs = [run(detectors) for _ in range(3)]
    started = time.perf_counter()
    parallel_hits = sum(len(found) for found in find_many(detectors, values, workers=2))
    parallel = megabytes / (time.perf_counter() - started)
    assert parallel_hits == runs[0][1]
    best, hits, best_cpu = min(runs)
    terms_only = DetectorSet([s for s in detectors.specs if s.kind == "terms"])
    terms_time = min(run(terms_only)[0] for _ in range(2))
    huge = "\n\n".join(values[: len(values) // 4])
    started = time.perf_counter()
    huge_hits = len(detectors.find(huge))
    huge_time = time.perf_counter() - started
    huge_mb = len(huge.encode("utf-8")) / 1e6

    speed = megabytes / best
    print(f"\ndetectors: {len(detectors.specs)} definitions, {detectors.term_count} distinct terms "
          f"(built in {build:.2f} s)")
    print(f"corpus: {megabytes:.1f} MB in {len(values)} values, {non_ascii:.0%} of them non-ASCII")
    print(f"all detectors: {speed:.1f} MB/s (best of 3: {best:.2f} s; runs "
          f"{', '.join(f'{megabytes / r[0]:.1f}' for r in runs)} MB/s), {hits} hits")
    print(f"all detectors, per CPU-second of this process (what an idle core gives): "
          f"{megabytes / best_cpu:.1f} MB/s")
    print(f"all detectors, 2 processes (find_many, start-up included): {parallel:.1f} MB/s")
    print(f"term lists only: {megabytes / terms_time:.1f} MB/s")
    print(f"one {huge_mb:.1f} MB value: {huge_mb / huge_time:.1f} MB/s, {huge_hits} hits")
    assert hits > 1000
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    assert max(speed, parallel) >= TARGET_MB_S, \
        f"{speed:.1f} MB/s (1 process), {parallel:.1f} MB/s (2) is below the {TARGET_MB_S} MB/s target"


def test_rescan_of_one_edit_on_the_large_example() -> None:
    forms = load_forms()
    doc = large_document()
    detectors = _detectors(_fake_terms(random.Random(4), TERMS))
    audiences = load_audiences()
    warm_up()
    started = time.perf_counter()
    flags = list(document_flags(doc, forms, detectors, audiences))
    full = time.perf_counter() - started
    address = Address("pre_deployment.evaluations[].description", "ev-250")
    times = []
    for round_ in range(31):
        doc.apply(SetValue(address, f"Edited {round_}: the suite named Bacillus anthracis in passing. "
                                    + (doc.get(address) or "")))
        started = time.perf_counter()
        found = value_flags(doc, forms, address, detectors, audiences)
        times.append(time.perf_counter() - started)
    per_edit = statistics.median(times) * 1000
    chars = sum(len(v.data) for _, v in doc.addresses() if isinstance(v.data, str)) / 1e6
    print(f"\nlarge example: {chars:.2f} M characters of text, full scan {full * 1000:.0f} ms "
          f"({len(flags)} flags); one-value rescan median {per_edit:.2f} ms ({len(found)} flags)")
    assert per_edit < 5.0
