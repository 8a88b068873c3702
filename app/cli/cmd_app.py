"""Starting the desktop app: ``riskwright`` and ``riskwright open``."""

from __future__ import annotations

import argparse
import os
import sys

from app.cli.common import EXIT_CANNOT_RUN, report_failure

PANELS = ("findings", "flags", "preview", "history")


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "open", help="open an assessment in the desktop app",
        description="Open an assessment in the desktop app. With --screenshot, render the main window "
                    "to a PNG once it is shown (and the first check has run) and exit.")
    parser.add_argument("file", help="the assessment (.rwa)")
    parser.add_argument("--screenshot", metavar="OUT.png", help="save the window as a PNG and exit")
    parser.add_argument("--stage", metavar="STAGE",
                        help="show this part first (header, pre_training, training, pre_deployment, "
                             "deployment_decision, deployment, retrospective, accountability)")
    parser.add_argument("--panel", choices=PANELS, help="bring this tab of the side panel forward")
    parser.set_defaults(run=lambda args: start_app(args.file, args.screenshot, args.stage, args.panel))


def start_portfolio(places: list[str], as_of: str | None, screenshot: str | None) -> int:
    """The Portfolio window (``riskwright portfolio DIR --window``)."""
    if _no_display():
        if not screenshot:
            report_failure("no display to show the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
                           "without --window the portfolio is printed here.")
            return EXIT_CANNOT_RUN
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        from app.ui.main import run_portfolio
    except ImportError as error:
        report_failure(f"the desktop app cannot start: {error}. Install the Qt libraries (see README).")
        return EXIT_CANNOT_RUN
    return run_portfolio(places, as_of, screenshot)


def _no_display() -> bool:
    """No screen to show a window on (and no platform chosen): Qt would abort with a core dump."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    if sys.platform in ("win32", "darwin"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def start_app(path: str | None, screenshot: str | None, stage: str | None = None,
              panel: str | None = None) -> int:
    if _no_display():
        if not screenshot:
            report_failure("no display to show the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
                           "Start it from a desktop session, or use the command line: `riskwright --help`.")
            return EXIT_CANNOT_RUN
        # A screenshot needs no screen: render offscreen.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        from app.ui.main import run_app
    except ImportError as error:
        report_failure(f"the desktop app cannot start: {error}. Install the system libraries Qt needs: "
                       f"the apt-get line of the README's start command.")
        return EXIT_CANNOT_RUN
    return run_app(path, screenshot, stage, panel)
