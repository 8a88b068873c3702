"""The signed history a document's changelog is made from (EU code, Measure 7.6), read from the file.

Only kinds with a changelog section pay for it: each signed revision's frozen
snapshot is read and compared with the one before (``app.export.kind_changelog``),
on the unfiltered documents, so every summary carries the label of what it was
derived from before any edition renders it.
"""

from __future__ import annotations

from dataclasses import replace

from app.content.forms import load_forms
from app.content.report_kinds import ASSESSMENT, load_kinds
from app.export.build import Revision
from app.export.kind_changelog import SECTION_KIND, SignedRevision, changelog
from app.store import AssessmentFile
from app.store.revision import frozen_revisions, snapshot


def wants_changelog(kind: str) -> bool:
    if kind == ASSESSMENT:
        return False
    found = load_kinds().get(kind)
    return found is not None and any(section.kind == SECTION_KIND for section in found.sections)


def with_changelog(assessment: AssessmentFile, revision: Revision, kind: str) -> Revision:
    """``revision`` with the changelog of the signed history when ``kind`` has a changelog section."""
    if not wants_changelog(kind):
        return revision
    signed = []
    for frozen in frozen_revisions(assessment.db):
        document = snapshot(assessment.db, frozen.number)
        if document is not None:
            signed.append(SignedRevision(frozen.number, frozen.hash, frozen.frozen_at, document))
    entries = changelog(signed, assessment.document, revision.number, revision.hash, load_forms())
    return replace(revision, changelog=entries)
