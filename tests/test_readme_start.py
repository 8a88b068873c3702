"""The README's two set-up commands, kept honest.

A new user copies the start command into a terminal on a fresh Debian machine, as a person with
``sudo`` or as root on a machine without it. These tests hold the README to that: the command's
system packages cover every library Qt's X11 platform plugin links to (checked with ``ldd``, the
way Qt's own "could not load the Qt platform plugin xcb" is diagnosed), and the command reaches
every step with and without ``sudo``. CI runs the README's test command on a fresh machine, which
installs the same packages, so a library missing from the list shows up there as ``not found``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_command(marker: str) -> str:
    """The fenced ``sh`` block after ``<!-- marker -->``, as .ci/run extracts it."""
    found = re.search(rf"<!-- {marker} -->\s*```sh\n(.*?)\n```", README, flags=re.DOTALL)
    assert found, f"README.md has no ```sh block after <!-- {marker} -->"
    return found.group(1).strip()


def apt_packages(command: str) -> set[str]:
    found = re.search(r"apt-get install -y ((?:[a-z0-9][a-z0-9.+-]* ?)+)", command)
    assert found, f"no `apt-get install -y` in {command!r}"
    return set(found.group(1).split())


def test_the_test_command_installs_what_the_start_command_does():
    """Otherwise CI, which runs the test command, would not see the start command's packages."""
    assert apt_packages(readme_command("app-command")) <= apt_packages(readme_command("test-command"))


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


@pytest.mark.parametrize("with_sudo", [False, True], ids=["root-without-sudo", "person-with-sudo"])
def test_the_start_command_reaches_every_step(tmp_path, with_sudo):
    """Run the README's command with apt-get, python3 and the app replaced by stubs that log their calls."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("mkdir", "chmod"):
        (tools / tool).symlink_to(shutil.which(tool) or f"/bin/{tool}")
    log = tmp_path / "calls.log"
    _stub(tools, "apt-get", f'echo "apt-get $*" >> "{log}"')
    venv_bin = tmp_path / "work" / ".venv" / "bin"
    _stub(tools, "python3", f'mkdir -p "{venv_bin}"\n'
                            f'printf \'#!/bin/sh\\necho "pip $*" >> "{log}"\\n\' > "{venv_bin}/pip"\n'
                            f'printf \'#!/bin/sh\\necho "riskwright $*" >> "{log}"\\n\' > "{venv_bin}/riskwright"\n'
                            f'chmod +x "{venv_bin}/pip" "{venv_bin}/riskwright"\n'
                            f'echo "python3 $*" >> "{log}"')
    if with_sudo:
        _stub(tools, "sudo", f'echo "sudo:" >> "{log}"; exec "$@"')
    (tmp_path / "work").mkdir()
    bash = shutil.which("bash") or "/bin/bash"
    result = subprocess.run([bash, "-c", readme_command("app-command")], cwd=tmp_path / "work",
                            env={"PATH": str(tools), "HOME": str(tmp_path)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    steps = [line.split()[0] for line in calls if line != "sudo:"]
    assert steps == ["apt-get", "apt-get", "python3", "pip", "riskwright"], calls
    assert calls.count("sudo:") == (2 if with_sudo else 0)
    assert "install -y python3-venv" in calls[calls.index(next(c for c in calls if "install" in c))]


def _linked_libraries(plugin: Path) -> dict[str, str]:
    """``ldd``'s answer: soname -> resolved path, or "not found"."""
    environment = {key: value for key, value in os.environ.items() if key != "LD_LIBRARY_PATH"}
    output = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True, env=environment).stdout
    libraries = {}
    for line in output.splitlines():
        found = re.match(r"\s*(\S+) => (not found|\S+)", line)
        if found:
            libraries[found.group(1)] = found.group(2)
    return libraries


def _owning_packages(paths: list[str]) -> dict[str, str]:
    """path -> Debian package, trying the merged-/usr spelling when dpkg knows the other one (one dpkg call)."""
    spellings: dict[str, str] = {}
    for path in paths:
        for candidate in {path, os.path.realpath(path)}:
            spellings[candidate] = path
            if candidate.startswith("/usr/lib/"):
                spellings[candidate[len("/usr"):]] = path
            elif candidate.startswith("/lib/"):
                spellings["/usr" + candidate] = path
    result = subprocess.run(["dpkg-query", "-S", *sorted(spellings)], capture_output=True, text=True)
    owners: dict[str, str] = {}
    for line in result.stdout.splitlines():
        if line.startswith("diversion") or ": " not in line:
            continue
        package, path = line.split(": ", 1)
        if path in spellings:
            owners[spellings[path]] = package.split(",")[0].split(":")[0].strip()
    return owners


def _installed_packages() -> dict[str, tuple[bool, list[list[str]]]]:
    """package -> (part of every Debian system, dependency groups of alternatives)."""
    fields = "${Package}\t${Essential}\t${Priority}\t${Depends}, ${Pre-Depends}\t${db:Status-Abbrev}\n"
    output = subprocess.run(["dpkg-query", "-W", "-f", fields], capture_output=True, text=True, check=True).stdout
    packages = {}
    for line in output.splitlines():
        name, essential, priority, depends, status = line.split("\t")
        if not status.startswith("ii"):
            continue
        groups = []
        for group in depends.split(","):
            names = [re.sub(r"[\s(:].*", "", item.strip()) for item in group.split("|")]
            if names := [n for n in names if n]:
                groups.append(names)
        packages[name] = (essential == "yes" or priority == "required", groups)
    return packages


def _closure(start: set[str], packages: dict[str, tuple[bool, list[list[str]]]]) -> set[str]:
    seen: set[str] = set()
    todo = [name for name in start if name in packages]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for group in packages[name][1]:
            installed = [n for n in group if n in packages]
            todo.extend(installed[:1])
    return seen


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("ldd") is None
                    or shutil.which("dpkg-query") is None, reason="needs ldd and dpkg (Debian or Ubuntu)")
def test_readme_packages_cover_every_library_the_x11_plugin_links_to():
    import PySide6

    plugins = Path(PySide6.__file__).parent / "Qt" / "plugins"
    qt_files = Path(PySide6.__file__).parent.resolve()
    listed = apt_packages(readme_command("app-command"))
    packages = _installed_packages()
    covered = _closure(listed | {name for name, (base, _) in packages.items() if base}, packages)
    for plugin in [plugins / "platforms" / "libqxcb.so", *sorted((plugins / "xcbglintegrations").glob("*.so"))]:
        libraries = _linked_libraries(plugin)
        assert "libxcb.so.1" in libraries or "xcbglintegrations" in str(plugin), libraries
        missing = sorted(name for name, path in libraries.items() if path == "not found")
        assert not missing, (f"{plugin.name} cannot load {', '.join(missing)}: add their Debian packages to the "
                             "README's start and test commands")
        system = [path for path in libraries.values() if not Path(path).resolve().is_relative_to(qt_files)]
        owners = _owning_packages(system)
        unowned = sorted(set(system) - set(owners))
        assert not unowned, f"{plugin.name} links libraries no Debian package provides: {unowned}"
        uncovered = sorted({package for package in owners.values() if package not in covered})
        assert not uncovered, (f"{plugin.name} needs {', '.join(uncovered)}, which the README's start command does "
                               f"not install (nor anything it depends on)")
