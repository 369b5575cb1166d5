"""The ``hipbreak`` command line, run as a real process with a throwaway HIPBREAK_PROFILE_DIR.

Commands that need the app talk to a small real CommandServer in another
process (the socket and the wire format are the real ones; only the handler
is a stand-in for the controller), so these tests need no display. The full
app is exercised by the e2e suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app import cli

ROOT = Path(__file__).resolve().parent.parent
ROUTINES = ROOT / "assets" / "routines"


def run_cli(profile: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HIPBREAK_PROFILE_DIR=str(profile), PYTHONPATH=str(ROOT), LANGUAGE="en")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("QT_QPA_PLATFORM", None)  # nothing here may need a platform plugin
    return subprocess.run([sys.executable, "-m", "desktop_app", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, cwd=profile)


def assert_one_plain_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hipbreak: ")
    return lines[0]


# --------------------------------------------------------------------------- no app needed


def test_version(profile_dir: Path) -> None:
    result = run_cli(profile_dir, "--version")
    assert result.returncode == 0
    from desktop_app import __version__

    assert result.stdout.strip() == f"hipbreak {__version__}"


def test_help_lists_every_command(profile_dir: Path) -> None:
    result = run_cli(profile_dir, "--help")
    assert result.returncode == 0
    for command in ("status", "routine", "snooze", "skip", "pause", "resume", "standing", "sitting",
                    "break-now", "quit", "routines", "check-routine", "doctor", "stats", "autostart",
                    "--demo", "--version"):
        assert command in result.stdout, command


def test_routines_json_lists_builtins_and_bad_user_files(profile_dir: Path) -> None:
    user_dir = profile_dir / "config" / "routines"
    user_dir.mkdir(parents=True)
    (user_dir / "broken.json").write_text('{"format": 1, "id": "Bad Id"}', encoding="utf-8")
    result = run_cli(profile_dir, "routines", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    builtin = {entry["id"] for entry in data["routines"] if entry["builtin"]}
    assert builtin == {path.stem for path in ROUTINES.glob("*.json")}
    assert all(entry["estimated_seconds"] > 0 and entry["title"] for entry in data["routines"])
    errors = data["errors"][str(user_dir / "broken.json")]
    assert any("id" in message for message in errors)
    assert data["user_dir"] == str(user_dir)


def test_routines_text_names_the_broken_file(profile_dir: Path) -> None:
    user_dir = profile_dir / "config" / "routines"
    user_dir.mkdir(parents=True)
    (user_dir / "broken.json").write_text("{nope", encoding="utf-8")
    result = run_cli(profile_dir, "routines")
    assert result.returncode == 0
    assert "hip-flexor-reset" in result.stdout
    assert "broken.json" in result.stdout and "invalid JSON" in result.stdout


def test_check_routine_accepts_a_good_file(profile_dir: Path) -> None:
    result = run_cli(profile_dir, "check-routine", str(ROUTINES / "hip-flexor-reset.json"))
    assert result.returncode == 0, result.stderr
    assert "is a valid routine: 'hip-flexor-reset'" in result.stdout


def test_check_routine_reports_every_error_with_exit_2(profile_dir: Path) -> None:
    good = json.loads((ROUTINES / "desk-break.json").read_text(encoding="utf-8"))
    good["id"] = "Not A Slug"
    good["exercises"][0]["steps"][0] = {"kind": "hold", "seconds": 0}
    bad = profile_dir / "mine.json"
    bad.write_text(json.dumps(good), encoding="utf-8")
    result = run_cli(profile_dir, "check-routine", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "mine.json: id:" in result.stderr
    assert "exercises[0].steps[0].seconds" in result.stderr
    assert "is not a valid routine (2 problems)." in result.stderr
    assert bad.exists()  # checking never moves or changes the file


def test_check_routine_on_a_missing_file(profile_dir: Path) -> None:
    line = assert_one_plain_error(run_cli(profile_dir, "check-routine", "nowhere.json"), 2)
    assert "no such file" in line


def test_status_when_not_running_without_display(profile_dir: Path) -> None:
    # every app command but ``routine``, which starts the app when none runs
    sent = [(name,) for name, wire in cli.app_commands().items() if wire != "routine"]
    for args in (*sent, ("status", "--json"), ("snooze", "5"), ("pause", "--until-tomorrow")):
        line = assert_one_plain_error(run_cli(profile_dir, *args), 3)
        assert "HipBreak is not running" in line


@pytest.mark.parametrize("args,words", [
    (("snooze", "ten"), "must be a whole number, got 'ten'"),
    (("snooze", "0"), "must be between 1 and 240"),
    (("pause", "30", "--until-tomorrow"), "not allowed with"),
    (("dance",), "Unknown command 'dance'"),
    (("routine", "../../etc/passwd"), "must be a routine id"),
    (("stats", "--days", "-3"), "days"),
    (("autostart", "maybe"), "invalid choice"),
    (("--demo", "status"), "--demo starts the app"),
    (("--nonsense",), "Unrecognized arguments: --nonsense"),
])
def test_bad_arguments_are_one_plain_sentence(profile_dir: Path, args: tuple[str, ...], words: str) -> None:
    line = assert_one_plain_error(run_cli(profile_dir, *args), 2)
    assert words in line


def test_commands_without_the_app_never_import_qt(profile_dir: Path) -> None:
    good = str(ROUTINES / "desk-break.json")
    script = textwrap.dedent(f"""
        import sys, contextlib, io
        from desktop_app.cli import main
        for argv in (["--version"], ["routines", "--json"], ["check-routine", {good!r}], ["snooze", "abc"]):
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                try:
                    main(argv)
                except SystemExit:
                    pass
        print(sorted(m for m in sys.modules if m.startswith("PySide6")))
    """)
    env = dict(os.environ, HIPBREAK_PROFILE_DIR=str(profile_dir), PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_unexpected_errors_are_one_sentence(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def explode(argv: Any) -> int:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(cli, "run", explode)
    assert cli.main(["status"]) == 1
    err = capsys.readouterr().err
    assert err == "hipbreak: unexpected error: disk on fire.\n"


def test_delegated_commands_never_show_a_traceback(profile_dir: Path) -> None:
    # stats and autostart live in other modules; present or not, the CLI stays plain.
    # (autostart status only reads the user's autostart entry; on/off are not run here.)
    for args in (("stats", "--days", "3"), ("autostart", "status")):
        result = run_cli(profile_dir, *args)
        assert "Traceback" not in result.stderr, result.stderr
        if result.returncode != 0:
            assert len(result.stderr.strip().splitlines()) <= 2, result.stderr


# --------------------------------------------------------------------------- against a running server

SERVER = textwrap.dedent("""
    import json, sys
    from desktop_app.crash_guard import immortalize_singletons
    immortalize_singletons()
    from PySide6.QtCore import QCoreApplication, QTimer
    from desktop_app.ipc import CommandServer
    from desktop_app.platform.paths import resolve_paths
    app = QCoreApplication([])
    record = open(sys.argv[1], "a", encoding="utf-8")
    def handle(cmd, args):
        record.write(json.dumps([cmd, args]) + "\\n"); record.flush()
        if cmd == "quit":
            QTimer.singleShot(0, app.quit)
            return {}
        if cmd == "snooze" and args["minutes"] == 99:
            return {"ok": False, "error": "There is no break to snooze right now."}
        return {"state": "snoozed", "status_text": "Snoozed until 14:20", "sitting_seconds": 61.0,
                "snoozed_until": "2026-11-26T14:20:00+00:00", "paused_until": None,
                "next_prompt_in_seconds": None, "idle_backend": "x11", "demo": True}
    server = CommandServer(resolve_paths().socket_name, handle)
    assert server.listen(), server.error
    print("ready", flush=True)
    sys.exit(app.exec())
""")


@pytest.fixture
def server(profile_dir: Path, tmp_path: Path) -> Iterator[Path]:
    record = tmp_path / "record.jsonl"
    record.touch()
    env = dict(os.environ, HIPBREAK_PROFILE_DIR=str(profile_dir), PYTHONPATH=str(ROOT),
               QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(record)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
        yield record
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(timeout=10)


def recorded(record: Path) -> list[list[Any]]:
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]


def test_status_human_and_json(profile_dir: Path, server: Path) -> None:
    result = run_cli(profile_dir, "status")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Snoozed until 14:20 (demo)"
    result = run_cli(profile_dir, "status", "--json")
    data = json.loads(result.stdout)
    assert data["state"] == "snoozed" and data["idle_backend"] == "x11" and "ok" not in data
    assert recorded(server) == [["status", {}], ["status", {}]]


def test_actions_reach_the_app_with_their_arguments(profile_dir: Path, server: Path) -> None:
    for args in (("snooze", "5"), ("snooze",), ("pause", "--until-tomorrow"), ("pause", "45"), ("skip",),
                 ("resume",), ("standing",), ("sitting",), ("break-now",), ("routine", "desk-break")):
        result = run_cli(profile_dir, *args)
        assert result.returncode == 0, (args, result.stderr)
    assert recorded(server) == [
        ["snooze", {"minutes": 5}], ["snooze", {"minutes": None}],
        ["pause", {"minutes": None, "until_tomorrow": True}],
        ["pause", {"minutes": 45, "until_tomorrow": False}],
        ["skip", {}], ["resume", {}], ["standing", {}], ["sitting", {}], ["break_now", {}],
        ["routine", {"id": "desk-break"}],
    ]


def test_refusal_from_the_app_is_exit_1_with_its_sentence(profile_dir: Path, server: Path) -> None:
    line = assert_one_plain_error(run_cli(profile_dir, "snooze", "99"), 1)
    assert line == "hipbreak: There is no break to snooze right now."


def test_second_launch_asks_the_first_to_show_and_exits_0(profile_dir: Path, server: Path) -> None:
    result = run_cli(profile_dir)
    assert result.returncode == 0, result.stderr
    assert recorded(server) == [["show", {}]]


def test_quit(profile_dir: Path, server: Path) -> None:
    result = run_cli(profile_dir, "quit")
    assert result.returncode == 0
    assert "quitting" in result.stdout
    line = assert_one_plain_error(run_cli(profile_dir, "status"), 3)
    assert "not running" in line


def test_qlocalsocket_client_path_works_too(profile_dir: Path, server: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The Windows client (QLocalSocket + waitFor*) against the same server."""
    from desktop_app import ipc
    from desktop_app.application.commands import encode
    from desktop_app.platform.paths import resolve_paths

    raw = ipc._exchange_qt(resolve_paths().socket_name, encode({"cmd": "status"}), 5.0)
    assert ipc._parse_reply(raw)["state"] == "snoozed"
    with pytest.raises(ipc.NotRunning):
        ipc._exchange_qt(resolve_paths().socket_name + "-nobody", encode({"cmd": "status"}), 2.0)
