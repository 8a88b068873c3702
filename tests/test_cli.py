"""The riskwright command as a person uses it: help, exit codes, and the README kept honest."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__
from app.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def riskwright(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, cwd=cwd)


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def test_version():
    result = riskwright("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"riskwright {__version__}"


@pytest.mark.parametrize("command", subcommands())
def test_every_command_has_help(command):
    result = riskwright(command, "--help")
    assert result.returncode == 0
    assert f"usage: riskwright {command}" in result.stdout
    description = result.stdout.split("\n\n")[1]
    assert len(description.split()) >= 6, f"{command} --help needs a real description"


def test_readme_lists_exactly_the_commands_that_exist():
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"^\| `riskwright ([a-z-]+)", readme, flags=re.MULTILINE))
    assert listed == set(subcommands())


def test_help_lists_the_commands_in_the_order_of_a_round_of_work_as_the_readme_does():
    listing = riskwright("--help").stdout.split("COMMAND\n", 1)[1].split("\n\n", 1)[0]
    in_help = re.findall(r"^    ([a-z-]+)", listing, flags=re.MULTILINE)
    assert in_help[:3] == ["open", "new", "example"]
    steps = ["validate", "check", "scan", "resolve", "signoff", "export", "history", "diff", "verify"]
    assert [step for step in in_help if step in steps] == steps
    readme = (ROOT / "README.md").read_text()
    assert re.findall(r"^\| `riskwright ([a-z-]+)", readme, flags=re.MULTILINE) == in_help


def test_every_option_is_described_in_help():
    """An option with no words after it (``example --size``) leaves a person guessing."""
    for command in subcommands():
        parser = next(a for a in build_parser()._actions if a.dest == "command").choices[command]
        for action in parser._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"riskwright {command} {action.option_strings[-1]} has no description"
    assert "history" in riskwright("open", "--help").stdout


def test_new_creates_an_empty_assessment_for_a_framework(tmp_path):
    from app.content.frameworks import framework_ids
    framework = framework_ids()[0]
    target = tmp_path / "new.rwa"
    result = riskwright("new", str(target), "--framework", framework, "--model", "Kestrel-1")
    assert result.returncode == 0, result.stderr
    dump = riskwright("dump", str(target)).stdout
    assert "name: Kestrel-1" in dump and f"framework: {framework}" in dump
    again = riskwright("new", str(target), "--framework", framework, "--model", "Other")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_new_with_an_unknown_framework_exits_2(tmp_path):
    result = riskwright("new", str(tmp_path / "x.rwa"), "--framework", "made-up-1.0", "--model", "M")
    assert result.returncode == 2
    assert "unknown framework 'made-up-1.0'" in result.stderr
    assert not (tmp_path / "x.rwa").exists()


def test_validate_exit_codes(tmp_path, example_file):
    valid = riskwright("validate", str(example_file))
    assert valid.returncode == 0, valid.stdout
    yaml_text = riskwright("dump", str(example_file)).stdout
    broken = yaml_text.replace("status: ", "status: ", 1)
    broken = re.sub(r"(\n  model:\n(?:    .*\n)*?)    name: .*\n", r"\1", broken, count=1)
    (tmp_path / "b.yaml").write_text(broken)
    assert riskwright("import", str(tmp_path / "b.yaml"), "-o", str(tmp_path / "b.rwa")).returncode == 0
    problems = riskwright("validate", str(tmp_path / "b.rwa"))
    assert problems.returncode == 1
    assert "header.model.name: required" in problems.stdout
    missing = riskwright("validate", str(tmp_path / "nowhere.rwa"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_example_writes_both_sizes(tmp_path):
    assert riskwright("example", str(tmp_path / "s.rwa")).returncode == 0
    assert riskwright("example", "--size", "large", str(tmp_path / "l.rwa")).returncode == 0
    small = (tmp_path / "s.rwa").stat().st_size
    large = (tmp_path / "l.rwa").stat().st_size
    assert large > 10 * small


def test_bad_arguments_exit_2_with_usage():
    result = riskwright("export-everything")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_without_a_display_the_app_says_so_and_a_screenshot_renders_offscreen(example_file, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    run = [sys.executable, "-m", "app.cli", "open", str(example_file)]
    window = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert window.returncode == 2
    assert "no display" in window.stderr and "Traceback" not in window.stderr
    shot = tmp_path / "shot.png"
    done = subprocess.run(run + ["--screenshot", str(shot)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_export_reads_the_format_from_the_file_name_and_refuses_a_contradiction(tmp_path: Path) -> None:
    """A report named x.md is Markdown unless --format says otherwise — and then the command will not run."""
    source = tmp_path / "a.rwa"
    assert riskwright("example", str(source)).returncode == 0
    target = tmp_path / "report.md"
    written = riskwright("export", str(source), "--audience", "internal", "-o", str(target))
    assert written.returncode == 0, written.stderr
    assert target.read_text(encoding="utf-8").lstrip().startswith(">"), "Markdown, not a PDF under a .md name"
    clash = riskwright("export", str(source), "--audience", "internal", "--format", "pdf", "-o", str(tmp_path / "x.md"))
    assert clash.returncode == 2 and "ends in .md but --format is pdf" in clash.stderr
    assert not (tmp_path / "x.md").exists()


def _described(parser) -> list[tuple]:
    """What a parser parses: every option and argument with its names, default, choices and help."""
    return [(type(a).__name__, tuple(a.option_strings), a.dest, repr(a.default), repr(a.choices), a.nargs, a.help,
             a.required, a.metavar) for a in parser._actions if a.dest != "command"]


def test_a_command_line_builds_only_its_commands_parser_and_parses_the_same():
    """``main`` builds only the named command's parser (the others cost every run ~6 ms to build): each one
    is the very parser of the whole command line; an unknown command gets them all, to list them."""
    whole = next(a for a in build_parser()._actions if a.dest == "command").choices
    for command in subcommands():
        only = next(a for a in build_parser(command)._actions if a.dest == "command").choices
        assert list(only) == [command]
        assert _described(only[command]) == _described(whole[command]), command
        assert only[command].prog == whole[command].prog and only[command].description == whole[command].description
        assert {key: getattr(value, "__code__", value) for key, value in only[command]._defaults.items()} \
            == {key: getattr(value, "__code__", value) for key, value in whole[command]._defaults.items()}
    assert sorted(next(a for a in build_parser("nosuch")._actions if a.dest == "command").choices) == subcommands()
    result = riskwright("nosuch")
    assert result.returncode == 2 and "invalid choice: 'nosuch'" in result.stderr and "portfolio" in result.stderr
