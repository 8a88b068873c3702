"""What each reader may see: audiences, filtered copies, detectors, flags and the output leak scan.

The promise (redaction.md): a public export never contains hazardous text, in
any channel. Three walls keep it, and this package is all three:

1. **Filter before rendering** — ``for_audience(doc, audience, forms) -> Filtered``.
   A deep copy of the document for one audience (``internal``, ``reviewers``,
   ``public``; defined in ``schemas/audiences.yaml``):

   * a value's effective sensitivity is the form default, raised by the
     assessor; lowered only with a reason (``app.model.validate.effective_sensitivity``);
   * a value the audience may not see becomes a fixed placeholder string
     (``[redacted: internal detail]``) whatever the field type — writers must
     print it, not format it: its address is in ``Filtered.withheld_values``;
   * a record the audience may not see becomes a placeholder record with id
     ``withheld-N`` (its title field holds ``[redacted: hazardous record]``),
     listed in ``Filtered.withheld_records`` as (table, id);
   * a hazardous span becomes ``[redacted: hazardous detail — biology]``;
   * placeholders never depend on the length of what they replace;
   * ``Filtered.counts`` holds withheld items per (domain, reason) (domain is
     None for whole values and records), ``by_domain()``, ``by_reason()``,
     ``by_kind()`` and ``disclosure()`` phrase them for the report;
   * ``Filtered.withheld_texts`` (``WithheldText(text, source address)``) go
     to the leak scanner;
   * malformed span markup anywhere raises ``FilterRefused`` (``.address``);
     values the filter cannot vouch for (unknown field, a choice field holding
     free text) are withheld as ``unchecked``.

2. **Flags before export** — detectors (``schemas/detectors/*.yaml``: term
   lists by Aho–Corasick, patterns with checks; ``default_detectors()``) run on
   normalised text (``normalise``). A hit in text bound for a wider audience
   than the hit's level is a flag; ``FlagStore(file)`` keeps them in the
   ``.rwa`` (``rescan_all``, ``after_edit(edit)`` — cheap, per edit — ``flags``,
   ``redact``, ``dismiss``, ``resolutions``, ``dismissed_matches``). The
   ``riskwright scan`` / ``resolve`` commands use the same store. Echoes of
   withheld values in such text are flags too (``echo``: numbers by value,
   dates in any usual spelling, names and phrases in the word view;
   ``EchoScan`` keeps them current per edit, ``echo_hits`` scans once).

3. **Scan the finished bytes** — ``leak_scan(path_or_bytes, kind, withheld_texts,
   detectors, file_name, dismissed, audience_sees) -> [Leak]`` reads every
   channel of a PDF, HTML, Markdown or JSON file (and its name) and reports
   each occurrence of withheld text or a detector hit as ``Leak(channel,
   matched, source, kind)``. Any leak: the exporter deletes the file. A
   detector hit there counts only when it is one in what an assessor wrote
   that the audience sees (``authored``): generated text never refuses.
"""

from app.redaction.audiences import Audience, Audiences, load_audiences
from app.redaction.detectors import DetectorSet, Hit, default_detectors
from app.redaction.filtering import (
    Filtered, FilterRefused, Withheld, WithheldText, for_audience, value_sensitivity,
)
from app.redaction.leak_scan import Leak, WithheldMatcher, leak_scan
from app.redaction.normalise import word_view

__all__ = [
    "Audience", "Audiences", "DetectorSet", "FilterRefused", "Filtered", "Hit", "Leak", "Withheld",
    "WithheldMatcher", "WithheldText", "default_detectors", "for_audience", "leak_scan",
    "load_audiences", "value_sensitivity", "word_view",
]
