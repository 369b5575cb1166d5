"""The command table: strict validation, and no input that escapes as anything but CommandError."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.application import commands
from desktop_app.application.commands import (
    COMMANDS,
    MAX_MESSAGE_BYTES,
    CommandError,
    applicable,
    parse_request,
    validate,
)
from desktop_app.core.schedule import Stage

ROOT = Path(__file__).resolve().parent.parent


def test_every_command_of_the_command_line_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [spec.cli_name for spec in COMMANDS.values() if spec.in_cli and f"`{spec.cli_name}" not in readme]
    assert missing == [], "README.md does not name these commands"
    assert COMMANDS["break_now"].cli_name == "break-now"


def test_every_command_is_complete() -> None:
    """What the table promises every end: help, a refusal sentence where a stage rule can refuse,
    a confirmation for commands whose reply carries no state, and only wire-safe argument kinds."""
    for spec in COMMANDS.values():
        assert spec.help().strip(), spec.name
        refuses_somewhere = not all(spec.applicable(stage.value) for stage in Stage)
        assert (spec.refused is not None) == refuses_somewhere, spec.name
        assert all(arg.kind in ("int", "bool", "routine_id") for arg in spec.args), spec.name
    assert COMMANDS["quit"].confirmation is not None


def test_the_stage_rules_are_the_menus_rules() -> None:
    """Pinned by hand on purpose: the tray menu and the IPC refusals both read these."""
    assert applicable("working") == {name: name not in ("snooze", "skip", "resume", "sitting") for name in COMMANDS}
    due = applicable("due")
    assert due["snooze"] and due["skip"] and not due["break_now"] and due["routine"]
    in_routine = applicable("in_routine")
    assert [name for name, ok in in_routine.items() if not ok] == [
        "routine", "snooze", "skip", "pause", "resume", "standing", "sitting", "break_now"]
    assert applicable("paused")["resume"] and applicable("standing")["sitting"]
    assert not applicable("standing")["standing"]


def test_defaults_are_filled_in() -> None:
    assert validate("pause", {}) == ("pause", {"minutes": None, "until_tomorrow": False})
    assert validate("routine") == ("routine", {"id": None})
    assert commands.request("snooze", minutes=5) == {"cmd": "snooze", "minutes": 5}


def test_every_builtin_routine_id_is_accepted() -> None:
    from desktop_app.core.routine import builtin_routines_dir, load_routines

    ids = list(load_routines([(builtin_routines_dir(), True)]).routines)
    assert ids, "no built-in routines found"
    for routine_id in ids:
        assert validate("routine", {"id": routine_id})[1]["id"] == routine_id


@pytest.mark.parametrize("bad_id", ["../x", "/etc/passwd", "a/b", "A-Upper", "x" * 61, "-lead", "trail-",
                                    "two--hyphens", "", "nul\x00", "sp ace", "dot.json", "~"])
def test_routine_ids_that_could_name_a_path_are_refused(bad_id: str) -> None:
    with pytest.raises(CommandError, match="'id' of 'routine'"):
        validate("routine", {"id": bad_id})


def test_error_messages_are_one_sentence_and_name_the_argument() -> None:
    with pytest.raises(CommandError) as info:
        validate("snooze", {"minutes": "5"})
    message = str(info.value)
    assert message.endswith(".") and "\n" not in message
    assert "'minutes'" in message and "text" in message


def test_unknown_command_names_are_not_echoed_raw() -> None:
    with pytest.raises(CommandError) as info:
        validate("\x1b[31mred" + "x" * 500, {})
    message = str(info.value)
    assert "\x1b" not in message
    assert len(message) < 400


def test_encode_round_trips_and_refuses_oversized() -> None:
    data = commands.encode({"cmd": "status"})
    assert data.endswith(b"\n") and parse_request(data) == ("status", {})
    with pytest.raises(CommandError, match="larger than 64 KiB"):
        commands.encode({"ok": True, "pad": "x" * MAX_MESSAGE_BYTES})


def test_huge_integers_and_deep_nesting_are_clean_errors() -> None:
    with pytest.raises(CommandError):
        parse_request(b'{"cmd": "snooze", "minutes": ' + b"9" * 5000 + b"}")
    with pytest.raises(CommandError, match="nested too deeply"):
        parse_request(b'{"cmd": "status", "x": ' + b"[" * 30000 + b"]" * 30000 + b"}")
    with pytest.raises(CommandError):
        parse_request(b'{"cmd": "snooze", "minutes": 1e999}')


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(cmd=st.one_of(st.sampled_from(sorted(COMMANDS)), json_values),
       args=st.dictionaries(st.sampled_from(["minutes", "id", "until_tomorrow", "path", "cmd"])
                            | st.text(max_size=8), json_values, max_size=4))
def test_validate_never_raises_anything_but_command_error(cmd: Any, args: dict[str, Any]) -> None:
    try:
        name, checked = validate(cmd, args)
    except CommandError as exc:
        assert str(exc)
        return
    # Accepted: then it is exactly a known command with exactly its arguments, of the right types.
    spec = COMMANDS[name]
    assert set(checked) == {arg.name for arg in spec.args}
    for arg in spec.args:
        value = checked[arg.name]
        if value is None:
            continue
        if arg.kind == "int":
            assert type(value) is int
        elif arg.kind == "bool":
            assert type(value) is bool
        else:
            assert commands.ROUTINE_ID_RE.match(value)


@settings(max_examples=400, deadline=None)
@given(data=st.binary(max_size=2000))
def test_parse_request_never_crashes_on_bytes(data: bytes) -> None:
    with contextlib.suppress(CommandError):  # anything else fails the test
        parse_request(data)


@settings(max_examples=300, deadline=None)
@given(message=st.dictionaries(st.sampled_from(["cmd", "minutes", "id", "until_tomorrow"]), json_values,
                               max_size=4))
def test_parse_request_never_crashes_on_json(message: dict[str, Any]) -> None:
    data = json.dumps(message).encode()
    try:
        name, _args = parse_request(data)
    except CommandError:
        return
    assert name in COMMANDS


def test_commands_module_stays_pure() -> None:
    # The CLI imports this for every command; it must not drag Qt in.
    assert commands.__name__ in sys.modules
    source = Path(commands.__file__).read_text(encoding="utf-8")
    assert "PySide6" not in source
