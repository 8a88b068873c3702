"""An export runs with Python's cycle collector paused and leaves it as it found it (``app.export.collection``)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from app.export import pipeline
from app.interchange.examples import example_document


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_during_an_export_and_restored_after(tmp_path: Path, enabled: bool,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = pipeline._prepare

    def watching(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_prepare", watching)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        pipeline.write_report(example_document(), "internal", "md", tmp_path / "report.md")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False]
    assert (tmp_path / "report.md").is_file()
