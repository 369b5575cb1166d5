"""An exception in a slot is logged with its traceback, reported once, and the app keeps running."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app import crash_guard
from desktop_app.crash_guard import CrashGuard, setup_logging

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clean_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    yield
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_real_qtimer_slot_is_logged_and_reported_once(
        qtbot: Any, tmp_path: Path, clean_root_logger: None) -> None:
    from PySide6.QtCore import QTimer

    log_file = tmp_path / "log" / "hipbreak.log"
    assert setup_logging(log_file) is None
    reports: list[str] = []
    guard = CrashGuard(log_file, reports.append).install()
    try:
        ticks: list[int] = []

        def slot() -> None:
            ticks.append(1)
            if len(ticks) <= 2:
                raise ZeroDivisionError(f"boom {len(ticks)}")

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(slot)
        timer.start()
        # The timer keeps firing after the slot raised: the event loop survived both errors.
        qtbot.waitUntil(lambda: len(ticks) >= 4, timeout=5000)
        timer.stop()
    finally:
        guard.uninstall()
    assert guard.seen[:2] == ["ZeroDivisionError: boom 1", "ZeroDivisionError: boom 2"]
    assert len(reports) == 1
    assert str(log_file) in reports[0]
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "ZeroDivisionError: boom 1" in text and "ZeroDivisionError: boom 2" in text
    assert "in slot" in text  # the traceback names the failing function


def test_app_process_survives_slot_exceptions(tmp_path: Path) -> None:
    """The same as a real process: a QTimer slot raises, the process goes on and exits normally."""
    log_file = tmp_path / "hipbreak.log"
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from PySide6.QtCore import QCoreApplication, QTimer
        from desktop_app.crash_guard import CrashGuard, setup_logging, immortalize_singletons
        immortalize_singletons()
        app = QCoreApplication([])
        setup_logging(Path({str(log_file)!r}))
        reports = []
        CrashGuard(Path({str(log_file)!r}), reports.append).install()
        count = [0]
        def failing():
            count[0] += 1
            raise ValueError("slot failed %d" % count[0])
        def finish():
            timer.stop()
            print("alive", count[0], len(reports), flush=True)
            app.exit(7)
        timer = QTimer(); timer.timeout.connect(failing); timer.start(5)
        QTimer.singleShot(300, finish)
        sys.exit(app.exec())
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 7, result.stderr
    words = result.stdout.split()
    assert words[0] == "alive" and int(words[1]) >= 2 and words[2] == "1"
    assert log_file.read_text(encoding="utf-8").count("ValueError: slot failed") == int(words[1])


def test_thread_exceptions_are_caught_too(tmp_path: Path, clean_root_logger: None) -> None:
    log_file = tmp_path / "hipbreak.log"
    setup_logging(log_file)
    reports: list[str] = []
    guard = CrashGuard(log_file, reports.append).install()
    try:
        thread = threading.Thread(target=lambda: 1 / 0)
        thread.start()
        thread.join()
    finally:
        guard.uninstall()
    assert guard.seen == ["ZeroDivisionError: division by zero"]
    assert len(reports) == 1
    assert "ZeroDivisionError" in log_file.read_text(encoding="utf-8")


def test_a_failing_reporter_does_not_escape(tmp_path: Path, clean_root_logger: None) -> None:
    setup_logging(tmp_path / "hipbreak.log")

    def broken(message: str) -> None:
        raise OSError("no notification daemon")

    guard = CrashGuard(tmp_path / "hipbreak.log", broken)
    try:
        raise KeyError("x")
    except KeyError as exc:
        guard.handle(KeyError, exc, exc.__traceback__)  # must not raise
    assert guard.reported
    assert "could not report the error" in (tmp_path / "hipbreak.log").read_text(encoding="utf-8")


def test_uninstall_restores_previous_hooks() -> None:
    before = sys.excepthook, threading.excepthook
    guard = CrashGuard().install()
    assert sys.excepthook == guard.handle
    guard.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_log_rotates_at_its_size_limit(tmp_path: Path, clean_root_logger: None) -> None:
    log_file = tmp_path / "hipbreak.log"
    setup_logging(log_file, max_bytes=2000, backups=2)
    logger = logging.getLogger("hipbreak.test")
    for index in range(200):
        logger.warning("line %03d %s", index, "x" * 50)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["hipbreak.log", "hipbreak.log.1", "hipbreak.log.2"]
    assert all((tmp_path / name).stat().st_size <= 2000 for name in files)
    assert "line 199" in log_file.read_text(encoding="utf-8")


def test_unwritable_log_folder_falls_back_with_a_message(tmp_path: Path, clean_root_logger: None) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    problem = setup_logging(blocker / "log" / "hipbreak.log")
    assert problem is not None and "Cannot write the log file" in problem
    assert blocker.read_text() == "a file where the log folder should be"  # nothing destroyed


def test_setup_twice_keeps_one_file_handler(tmp_path: Path, clean_root_logger: None) -> None:
    setup_logging(tmp_path / "a.log")
    setup_logging(tmp_path / "b.log")
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_hipbreak", False)]
    assert len(ours) == 1
    logging.getLogger("x").error("after")
    assert "after" in (tmp_path / "b.log").read_text(encoding="utf-8")


def test_immortalize_keeps_void_qt_calls_from_killing_python() -> None:
    """Documents the PySide6 6.12 / Python 3.11 refcount bug and that the workaround holds (in a child)."""
    script = textwrap.dedent("""
        import sys
        from desktop_app.crash_guard import immortalize_singletons
        if len(sys.argv) > 1:
            immortalize_singletons()
        from PySide6.QtCore import QCoreApplication, QTimer
        app = QCoreApplication([])
        timer = QTimer()
        for _ in range(50_000):  # far more than None's few thousand references at start-up
            timer.stop()
        print("survived")
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    protected = subprocess.run([sys.executable, "-c", script, "protect"], env=env, capture_output=True,
                               text=True, timeout=60)
    assert protected.returncode == 0, protected.stderr
    assert "survived" in protected.stdout
    if sys.version_info < (3, 12):
        assert crash_guard.immortalize_singletons.__doc__
        bare = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                              timeout=60)
        if bare.returncode == 0:
            pytest.skip("this PySide6 build no longer drops references to None; the workaround is harmless")
        assert "deallocating None" in bare.stderr


def test_rotation_keeps_the_newest_lines_in_the_lowest_backup(tmp_path: Path, clean_root_logger: None) -> None:
    log_file = tmp_path / "hipbreak.log"
    setup_logging(log_file, max_bytes=1000, backups=2)
    logger = logging.getLogger("hipbreak.test")
    for index in range(60):
        logger.warning("line %03d %s", index, "y" * 40)
    first = [int(line.split("line ")[1][:3]) for line in (tmp_path / "hipbreak.log.1").read_text().splitlines()]
    second = [int(line.split("line ")[1][:3]) for line in (tmp_path / "hipbreak.log.2").read_text().splitlines()]
    current = [int(line.split("line ")[1][:3]) for line in log_file.read_text().splitlines()]
    assert max(second) < min(first) and max(first) < min(current)  # .2 oldest, then .1, then the file
    assert current[-1] == 59


def test_no_backups_means_the_file_is_never_rolled_over(tmp_path: Path, clean_root_logger: None) -> None:
    """As logging.handlers.RotatingFileHandler: backupCount 0 never rolls over (nothing is lost)."""
    log_file = tmp_path / "hipbreak.log"
    setup_logging(log_file, max_bytes=500, backups=0)
    for index in range(30):
        logging.getLogger("hipbreak.test").warning("line %03d %s", index, "z" * 40)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hipbreak.log"]
    assert "line 000" in log_file.read_text(encoding="utf-8")


def test_setting_up_the_log_does_not_import_logging_handlers(tmp_path: Path) -> None:
    """logging.handlers pulls in socket, pickle and queue: ~0.6 MB of an idle tray app for nothing."""
    import subprocess

    code = ("import sys, pathlib; from desktop_app.crash_guard import setup_logging; "
            f"setup_logging(pathlib.Path({str(tmp_path / 'x.log')!r})); print('logging.handlers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False", out.stderr
