"""Reports: one report model built from the audience's view, thin writers per format.

``write_report(doc, audience, format, path)`` is the whole export: the flag
gate, the audience filter, the report model, the writer, the output leak scan
and the atomic rename (see ``pipeline``). ``build_for_audience`` gives the
report model alone, for previews and tests.
"""
