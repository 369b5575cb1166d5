"""The routine player in a child process (ui/player_link.py + ui/player_process.py), for real.

The parent is the app as ``compose`` wires it, in this test process, with ``player_in_child``; the
child is a real ``python -m desktop_app --player-child`` (offscreen, as this test run is). What is
checked is what reaches the real SQLite history through the parent: a completed routine, an early
close, the child killed mid-routine, the app quitting while a routine plays, and a child that cannot
start (the routine then plays in the app's own process).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core import events as ev
from desktop_app.core.settings import Settings
from desktop_app.platform.paths import AppPaths
from desktop_app.storage.history import open_history
from desktop_app.ui.bridge import AppBridge
from desktop_app.ui.player_link import PlayerLink, child_command
from tests.support.app_parts import close_controller, make_controller
from tests.support.fakeclock import FakeClock

TIMEOUT_MS = 30_000  # a cold child imports Qt and the player on a busy shared machine


def _text(en: str) -> dict[str, str]:
    return {"en": en}


def tiny_routine(routine_id: str, hold_seconds: int) -> dict[str, Any]:
    """One exercise with one short hold: a routine that really ends within seconds."""
    return {
        "format": 1, "id": routine_id, "title": _text("Tiny test routine"), "summary": _text("For tests."),
        "position": "standing",
        "exercises": [{
            "id": "short-hold", "title": _text("Short hold"), "instructions": [_text("Stand tall.")],
            "steps": [{"kind": "hold", "seconds": hold_seconds}],
        }],
    }  # fmt: skip


@pytest.fixture
def child_ctl(qapp: Any, clock: FakeClock, paths: AppPaths) -> Iterator[AppBridge]:
    """The app with the player in a child process, two tiny routines in the user's folder."""
    paths.routines_dir.mkdir(parents=True, exist_ok=True)
    for routine_id, seconds in (("tiny-one", 5), ("tiny-long", 300)):
        (paths.routines_dir / f"{routine_id}.json").write_text(json.dumps(tiny_routine(routine_id, seconds)),
                                                                encoding="utf-8")
    settings = Settings(prep_seconds=0, sound_enabled=False, voice_enabled=False)
    controller = make_controller(clock, paths, settings=settings)
    controller.navigator.player_in_child = True
    controller.start()
    yield controller
    close_controller(controller)


def _routine_events(paths: AppPaths) -> list[tuple[str, dict[str, Any]]]:
    """The routine events in the real history file, read by a second connection."""
    store = open_history(paths.history_file).store
    try:
        kinds = (ev.ROUTINE_STARTED, ev.ROUTINE_COMPLETED, ev.ROUTINE_ABANDONED)
        return [(e.kind, dict(e.data)) for e in store.events() if e.kind in kinds]
    finally:
        store.close()


def _open(qtbot: Any, ctl: AppBridge, routine_id: str) -> PlayerLink:
    assert ctl.service.open_routine(routine_id)
    link = ctl.navigator.player
    assert isinstance(link, PlayerLink), "the player should be the link to a child process"
    qtbot.waitUntil(link.was_shown, timeout=TIMEOUT_MS)
    return link


def test_child_command_runs_this_package() -> None:
    command = child_command()
    assert command[-1] == "--player-child"
    assert command[1:3] == ["-m", "desktop_app"]


def test_completed_routine_is_recorded_and_the_child_leaves_after_the_summary(
        qtbot: Any, child_ctl: AppBridge, paths: AppPaths) -> None:
    link = _open(qtbot, child_ctl, "tiny-one")
    pid = link.pid()
    assert child_ctl.navigator.player_open()
    with qtbot.waitSignal(link.routine_finished, timeout=TIMEOUT_MS) as finished:
        pass
    routine_id, completed, seconds_done, exercises = finished.args
    assert (routine_id, completed, exercises) == ("tiny-one", True, 1)
    assert seconds_done == pytest.approx(5.0, abs=1.0)
    assert not child_ctl.navigator.player_open()
    assert _routine_events(paths)[-1][0] == ev.ROUTINE_COMPLETED
    # the summary page is still up in the child; the next routine closes it
    assert link.is_open()
    with qtbot.waitSignal(link.ended, timeout=TIMEOUT_MS):
        child_ctl.navigator.hide_windows()
    assert not _alive(pid)


def test_early_close_from_the_child_is_recorded(qtbot: Any, child_ctl: AppBridge, paths: AppPaths) -> None:
    link = _open(qtbot, child_ctl, "tiny-long")
    with qtbot.waitSignal(link.ended, timeout=TIMEOUT_MS):
        os.kill(link.pid(), signal.SIGTERM)  # the child's own clean exit: it closes its window
    kinds = [kind for kind, _data in _routine_events(paths)]
    assert kinds == [ev.ROUTINE_STARTED, ev.ROUTINE_ABANDONED]
    assert child_ctl.navigator.player is None
    assert not any("stopped unexpectedly" in w for w in child_ctl.service._warned)


def test_killed_child_is_an_early_end_and_the_user_is_told(qtbot: Any, child_ctl: AppBridge,
                                                           paths: AppPaths) -> None:
    warnings: list[str] = []
    child_ctl.warning.connect(warnings.append)
    link = _open(qtbot, child_ctl, "tiny-long")
    with qtbot.waitSignal(link.ended, timeout=TIMEOUT_MS):
        os.kill(link.pid(), signal.SIGKILL)
    events = _routine_events(paths)
    assert [kind for kind, _data in events] == [ev.ROUTINE_STARTED, ev.ROUTINE_ABANDONED]
    assert events[-1][1]["routine_id"] == "tiny-long"
    assert any("stopped unexpectedly" in w for w in warnings)
    assert not child_ctl.navigator.player_open()
    # the app carries on: the next routine plays again in a new child
    link = _open(qtbot, child_ctl, "tiny-one")
    with qtbot.waitSignal(link.routine_finished, timeout=TIMEOUT_MS):
        pass
    assert _routine_events(paths)[-1][0] == ev.ROUTINE_COMPLETED


def test_quitting_while_a_routine_plays_closes_the_child_and_records_the_end(
        qtbot: Any, child_ctl: AppBridge, paths: AppPaths) -> None:
    link = _open(qtbot, child_ctl, "tiny-long")
    pid = link.pid()
    child_ctl.shutdown()  # what Quit does: close_player waits for the child's report
    kinds = [kind for kind, _data in _routine_events(paths)]
    assert kinds == [ev.ROUTINE_STARTED, ev.ROUTINE_ABANDONED]
    qtbot.waitUntil(lambda: not _alive(pid), timeout=TIMEOUT_MS)


def test_second_open_raises_the_playing_child(qtbot: Any, child_ctl: AppBridge) -> None:
    link = _open(qtbot, child_ctl, "tiny-long")
    assert child_ctl.service.open_routine("tiny-one")
    assert child_ctl.navigator.player is link


def test_away_and_back_reach_the_child(qtbot: Any, child_ctl: AppBridge) -> None:
    link = _open(qtbot, child_ctl, "tiny-long")
    sent: list[dict[str, Any]] = []
    original = link._send  # watch the wire; the real send still happens

    def send(message: dict[str, Any]) -> None:
        sent.append(message)
        original(message)

    link._send = send  # type: ignore[method-assign]
    child_ctl.service.on_locked_changed(True)
    child_ctl.service.on_locked_changed(False)
    assert [m["cmd"] for m in sent] == ["away", "back"]
    qtbot.wait(300)
    assert link.is_open()


def test_a_child_that_cannot_start_falls_back_to_the_window(qtbot: Any, child_ctl: AppBridge, paths: AppPaths,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.ui import player_link

    monkeypatch.setattr(player_link, "child_command", lambda: [str(paths.routines_dir / "no-such-program")])
    assert child_ctl.service.open_routine("tiny-long")
    from desktop_app.ui.player_window import PlayerWindow

    assert isinstance(child_ctl.navigator.player, PlayerWindow)
    assert [kind for kind, _data in _routine_events(paths)] == [ev.ROUTINE_STARTED]


def test_a_child_that_dies_before_showing_falls_back_to_the_window(
        qtbot: Any, child_ctl: AppBridge, paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.ui import player_link

    monkeypatch.setattr(player_link, "child_command", lambda: ["/bin/sh", "-c", "exit 3"])
    assert child_ctl.service.open_routine("tiny-long")
    from desktop_app.ui.player_window import PlayerWindow

    qtbot.waitUntil(lambda: isinstance(child_ctl.navigator.player, PlayerWindow), timeout=TIMEOUT_MS)
    assert [kind for kind, _data in _routine_events(paths)] == [ev.ROUTINE_STARTED]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); its state says it is gone
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_a_new_routine_closes_the_finished_ones_summary(qtbot: Any, child_ctl: AppBridge) -> None:
    first = _open(qtbot, child_ctl, "tiny-one")
    with qtbot.waitSignal(first.routine_finished, timeout=TIMEOUT_MS):
        pass
    first_pid = first.pid()
    with qtbot.waitSignal(first.ended, timeout=TIMEOUT_MS):
        second = _open(qtbot, child_ctl, "tiny-long")
    assert second is not first and second.is_open()
    assert not _alive(first_pid)


def _open_message(routine_id: str, hold_seconds: int, tmp_path: Path) -> str:
    """The first line the tray sends: the routine as the catalogue loads it, settings, language."""
    from desktop_app.core.routine import load_routine
    from desktop_app.ui.player_link import open_message

    path = tmp_path / f"{routine_id}.json"
    path.write_text(json.dumps(tiny_routine(routine_id, hold_seconds)), encoding="utf-8")
    routine = load_routine(path)
    settings = Settings(prep_seconds=0, sound_enabled=False, voice_enabled=False)
    return json.dumps(open_message(routine, settings, "en", None, None))


def test_the_open_message_carries_the_routine_file_and_the_child_reads_back_an_equal_routine(
        tmp_path: Path) -> None:
    """Every built-in routine and program week, through the JSON line the child reads: the routine
    in it is its file's JSON (readable in a log, no pickle), and the child's decoding gives an equal
    routine, built-in flag and file included."""
    from desktop_app.core.routine import builtin_routines_dir, load_routines
    from desktop_app.ui.player_link import open_message
    from desktop_app.ui.player_process import decode_open

    settings = Settings(prep_seconds=0, sound_enabled=False)
    routines = load_routines([(builtin_routines_dir(), True)]).routines.values()
    assert len(routines) >= 13
    for routine in routines:
        line = json.dumps(open_message(routine, settings, "de", b"\x01geometry", None))
        message = json.loads(line)
        assert message["routine"] == json.loads(routine.source.read_text(encoding="utf-8"))
        got, got_settings, language, geometry, anchor = decode_open(message)
        assert got == routine and got.builtin and got.source == routine.source
        assert (got_settings, language, geometry, anchor) == (settings, "de", b"\x01geometry", None)
    user = json.loads(_open_message("tiny-one", 5, tmp_path))
    assert user["routine_builtin"] is False and user["routine_source"] == str((tmp_path / "tiny-one.json").resolve())
    assert user["routine"]["title"] == "Tiny test routine"  # English only: written as a plain string
    assert user["routine"]["exercises"][0]["steps"] == [{"kind": "hold", "seconds": 5}]


def _broken_payloads(tmp_path: Path) -> dict[str, tuple[dict[str, Any], str]]:
    """Open messages whose routine the child must refuse, and what its stderr must then say."""
    good = json.loads(_open_message("tiny-long", 300, tmp_path))
    bad_seconds = json.loads(json.dumps(good))
    bad_seconds["routine"]["exercises"][0]["steps"][0]["seconds"] = 0
    pickled = {**good, "routine": "gASVAAAAAAAAAAB9lC4="}  # the old base64(pickle) form
    no_source = {key: value for key, value in good.items() if key != "routine_source"}
    return {
        "bad-seconds": (bad_seconds, "tiny-long.json: exercises[0].steps[0].seconds: must be 5..300, got 0"),
        "old-pickle": (pickled, "tiny-long.json: must hold one JSON object"),
        "no-source": (no_source, "names no routine file"),
    }


@pytest.mark.parametrize("case", ["bad-seconds", "old-pickle", "no-source"])
def test_the_child_refuses_a_broken_routine_with_exit_2_and_says_why(case: str, tmp_path: Path) -> None:
    import subprocess

    message, reason = _broken_payloads(tmp_path)[case]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([*child_command()], input=json.dumps(message) + "\n", capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stdout == ""  # never "shown": the tray plays it in its own process
    assert "cannot read the routine from the tray process" in result.stderr
    assert reason in result.stderr, result.stderr[-2000:]


def test_a_broken_routine_payload_plays_in_the_app_instead(
        qtbot: Any, child_ctl: AppBridge, paths: AppPaths, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The real child gets a routine it refuses (seconds 0), exits 2 before showing anything; the app
    logs the child's reason and plays the routine in its own window, recorded as started once."""
    from desktop_app.ui import player_link
    from desktop_app.ui.player_window import PlayerWindow

    real = player_link.routine_to_data

    def broken(routine: Any) -> dict[str, Any]:
        data = real(routine)
        data["exercises"][0]["steps"][0]["seconds"] = 0
        return data

    monkeypatch.setattr(player_link, "routine_to_data", broken)
    assert child_ctl.service.open_routine("tiny-long")
    qtbot.waitUntil(lambda: isinstance(child_ctl.navigator.player, PlayerWindow), timeout=TIMEOUT_MS)
    assert child_ctl.navigator.player.routine.id == "tiny-long"
    assert "tiny-long.json: exercises[0].steps[0].seconds: must be 5..300, got 0" in caplog.text
    assert "ended before showing the routine (the player process ended with exit code 2)" in caplog.text
    assert [kind for kind, _data in _routine_events(paths)] == [ev.ROUTINE_STARTED]


@pytest.mark.qt_log_ignore("Cannot open file .*mine.svg")  # the in-process figure looks for it
def test_a_picture_deleted_after_loading_plays_in_the_app_instead(
        qtbot: Any, child_ctl: AppBridge, paths: AppPaths, caplog: pytest.LogCaptureFixture) -> None:
    """The user's routine names its own picture, which is deleted after the catalogue was loaded: the
    child validates the routine as a file and refuses it (exit 2, the reason in the app's log), and the
    routine the app loaded plays in the app's own window (it shows the figure without the picture)."""
    from desktop_app.core.routine import shared_exercises_dir
    from desktop_app.ui.player_window import PlayerWindow

    picture = paths.routines_dir / "pictures" / "mine.svg"
    picture.parent.mkdir()
    shutil.copy(shared_exercises_dir() / "kneeling-lunge.svg", picture)
    data = tiny_routine("tiny-pictured", 300)
    data["exercises"][0]["illustration"] = "pictures/mine.svg"
    (paths.routines_dir / "tiny-pictured.json").write_text(json.dumps(data), encoding="utf-8")
    loaded = child_ctl.service.catalogue.reload().routines["tiny-pictured"]
    assert loaded.exercises[0].illustration == picture.resolve()
    picture.unlink()
    assert child_ctl.service.open_routine("tiny-pictured")
    qtbot.waitUntil(lambda: isinstance(child_ctl.navigator.player, PlayerWindow), timeout=TIMEOUT_MS)
    assert "tiny-pictured.json: exercises[0].illustration: file not found" in caplog.text
    assert [kind for kind, _data in _routine_events(paths)] == [ev.ROUTINE_STARTED]


def test_a_routine_the_format_cannot_hold_never_starts_a_child(tmp_path: Path) -> None:
    """A picture outside the routine's folder (the loader never makes one): start() says why at once,
    before any process exists, and the navigator plays the routine in-process."""
    from tests.core.test_routine_roundtrip import routine_with_a_picture_elsewhere

    routine = routine_with_a_picture_elsewhere(tmp_path, "odd")
    link = PlayerLink(routine, Settings(), command=["/bin/sh", "-c", "exit 9"])
    reason = link.start()
    assert reason is not None and "cannot be sent to the player process" in reason
    assert link.pid() == 0 and not link.is_open()


def test_the_child_alone_closes_on_end_of_input_and_speaks_only_protocol(tmp_path: Path) -> None:
    """The tray process died: the child's stdin ends, the player closes (an early end is reported to
    nobody in particular) and the child exits 0. Junk from the tray is logged, not obeyed; stdout holds
    protocol lines only, even though Qt, the log and the player all write while it runs."""
    import subprocess

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([*child_command()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(_open_message("tiny-long", 300, tmp_path) + "\n")
    proc.stdin.flush()
    first = json.loads(proc.stdout.readline())
    assert first["event"] == "shown" and first["pid"] == proc.pid
    proc.stdin.write("this is not JSON\n")
    proc.stdin.write('{"cmd": "away"}\n')
    proc.stdin.flush()
    proc.stdin.close()
    out = proc.stdout.read()  # until the child exits (it holds the write end until then)
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    events = [json.loads(line) for line in out.splitlines()]  # every line is a protocol line
    kinds = [e["event"] for e in events]
    assert kinds[-1] == "closed" and "finished" in kinds, kinds
    finished = next(e for e in events if e["event"] == "finished")
    assert finished["routine_id"] == "tiny-long" and finished["completed"] is False
    assert "not a command" in err, err[-2000:]


def test_the_child_reports_nothing_and_fails_on_a_bad_first_line() -> None:
    import subprocess

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([*child_command()], input='{"cmd": "raise"}\n', capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "not 'open'" in result.stderr


def test_quitting_ends_a_child_that_does_not_answer_and_still_records_the_end(
        qtbot: Any, child_ctl: AppBridge, paths: AppPaths, caplog: pytest.LogCaptureFixture) -> None:
    """A hung child (stopped, so it cannot read "close"): the app waits CLOSE_WAIT_MS, kills it, and
    records the early end from what the child last reported."""
    link = _open(qtbot, child_ctl, "tiny-long")
    pid = link.pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        child_ctl.shutdown()
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    assert [kind for kind, _data in _routine_events(paths)] == [ev.ROUTINE_STARTED, ev.ROUTINE_ABANDONED]
    assert "did not close in time; ending it" in caplog.text
    qtbot.waitUntil(lambda: not _alive(pid), timeout=TIMEOUT_MS)


def test_the_child_imports_the_same_package_as_the_app() -> None:
    """``python -m`` puts the working folder first on sys.path: the child starts where the app's own
    ``desktop_app`` lives, so a stray ``desktop_app`` folder elsewhere (a checkout) is never played."""
    import desktop_app
    from desktop_app.ui.player_link import child_working_dir

    folder = child_working_dir()
    assert folder is not None
    assert (Path(folder) / "desktop_app" / "__init__.py").resolve() == Path(desktop_app.__file__).resolve()
