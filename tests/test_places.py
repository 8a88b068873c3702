"""One config folder (settings carried over from the old one), settings read once, one value encoder."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from app.model import Address, SetValue
from app.places import config_folder
from app.store import AssessmentFile, identity


def test_the_window_settings_move_into_the_one_config_folder(isolated_home: Path, qtbot) -> None:
    from app.ui.settings import AppSettings
    old = isolated_home / ".config" / "Riskwright" / "riskwright.ini"
    old.parent.mkdir(parents=True)
    old.write_text("[General]\nlast_framework=gdm-fsf-3.0\n")
    settings = AppSettings()
    assert settings.path == config_folder() / "riskwright.ini"
    assert settings.path.parent == isolated_home / ".config" / "riskwright"
    assert settings.last_framework() == "gdm-fsf-3.0"
    assert old.is_file()  # copied, not moved: an older version still finds its own
    assert identity.settings_path().parent == settings.path.parent
    from app.store.signoff import key_path
    assert key_path().parent == settings.path.parent


def test_settings_are_read_again_only_when_the_file_changes(isolated_home: Path, monkeypatch) -> None:
    monkeypatch.delenv(identity.ASSESSOR_VARIABLE, raising=False)
    identity.save_assessor_name("Ada Example")
    reads: list[Path] = []
    real = Path.read_text

    def counting(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(self)
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Path, "read_text", counting)
    assert [identity.assessor_name() for _ in range(5)] == ["Ada Example"] * 5
    assert len(reads) <= 1
    path = identity.settings_path()
    path.write_text(json.dumps({"assessor_name": "Grace Example, renamed"}))
    os.utime(path, ns=(1, 1))
    assert identity.assessor_name() == "Grace Example, renamed"


def test_dates_inside_lists_are_saved_and_read_back_as_dates(tmp_path: Path) -> None:
    path = tmp_path / "dates.rwa"
    with AssessmentFile.create(path) as assessment:
        assessment.apply(SetValue(Address("header.notes"), [date(2026, 3, 1), "text", [date(2025, 1, 2)]]))
    with AssessmentFile.open(path) as reopened:
        assert reopened.document.get("header.notes") == [date(2026, 3, 1), "text", [date(2025, 1, 2)]]
