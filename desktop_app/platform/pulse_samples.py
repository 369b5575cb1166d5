"""Sound cues through the sound server's sample cache (libpulse, through ctypes).

Why: a cue played through Qt's ``QAudioSink`` opens a PulseAudio stream, feeds it
from the GUI thread and closes it again; on Qt 6.12 that cost 30 to 100 wakeups
of the GUI and Qt's PulseAudio threads per cue, often more than the whole figure
animation of a rep set (bench/RESULTS.md, "Rep sets with sound"). Desktop event
sounds (libcanberra) use the server's sample cache instead: each sound is
uploaded once, and playing it is one short request; the server mixes it, so
cues may overlap and nothing on our side runs while they sound. PipeWire's
PulseAudio server (pipewire-pulse) has the same cache.

Only libpulse is needed (it is on every desktop with PulseAudio or PipeWire, and
QtMultimedia loads it anyway). No callbacks into Python: every wait polls the
state under the mainloop lock with a time limit, so nothing ever runs Python on
libpulse's thread and a server that stops answering costs at most a second once.
All calls happen on the thread that created the connection (the Qt main thread).

:func:`connect` returns None when libpulse or a server is missing; the caller
then falls back to Qt's audio output.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import time
import zlib
from ctypes import POINTER, c_char_p, c_double, c_int, c_size_t, c_uint8, c_uint32, c_void_p

log = logging.getLogger(__name__)

_PA_CONTEXT_NOAUTOSPAWN = 1
_PA_CONTEXT_READY, _PA_CONTEXT_FAILED, _PA_CONTEXT_TERMINATED = 4, 5, 6
_PA_STREAM_READY, _PA_STREAM_FAILED, _PA_STREAM_TERMINATED = 2, 3, 4
_PA_SAMPLE_S16LE = 3
_PA_SEEK_RELATIVE = 0
#: How long connecting or uploading may take before we give up (once, at the player's start).
WAIT_SECONDS = 1.0


class _SampleSpec(ctypes.Structure):
    _fields_ = [("format", c_int), ("rate", c_uint32), ("channels", c_uint8)]


def _load() -> ctypes.CDLL | None:
    for candidate in ("libpulse.so.0", ctypes.util.find_library("pulse")):
        if not candidate:
            continue
        try:
            lib = ctypes.CDLL(candidate)
        except OSError:
            continue
        _declare(lib)
        return lib
    return None


def _declare(lib: ctypes.CDLL) -> None:
    """Argument and result types of the calls used (pointers must not be truncated to int)."""
    signatures: dict[str, tuple[object, list[object]]] = {
        "pa_threaded_mainloop_new": (c_void_p, []),
        "pa_threaded_mainloop_get_api": (c_void_p, [c_void_p]),
        "pa_threaded_mainloop_start": (c_int, [c_void_p]),
        "pa_threaded_mainloop_stop": (None, [c_void_p]),
        "pa_threaded_mainloop_free": (None, [c_void_p]),
        "pa_threaded_mainloop_lock": (None, [c_void_p]),
        "pa_threaded_mainloop_unlock": (None, [c_void_p]),
        "pa_context_new": (c_void_p, [c_void_p, c_char_p]),
        "pa_context_connect": (c_int, [c_void_p, c_char_p, c_int, c_void_p]),
        "pa_context_get_state": (c_int, [c_void_p]),
        "pa_context_disconnect": (None, [c_void_p]),
        "pa_context_unref": (None, [c_void_p]),
        "pa_context_play_sample": (c_void_p, [c_void_p, c_char_p, c_char_p, c_uint32, c_void_p, c_void_p]),
        "pa_context_remove_sample": (c_void_p, [c_void_p, c_char_p, c_void_p, c_void_p]),
        "pa_operation_unref": (None, [c_void_p]),
        "pa_stream_new": (c_void_p, [c_void_p, c_char_p, POINTER(_SampleSpec), c_void_p]),
        "pa_stream_connect_upload": (c_int, [c_void_p, c_size_t]),
        "pa_stream_get_state": (c_int, [c_void_p]),
        "pa_stream_write": (c_int, [c_void_p, c_void_p, c_size_t, c_void_p, ctypes.c_int64, c_int]),
        "pa_stream_finish_upload": (c_int, [c_void_p]),
        "pa_stream_unref": (None, [c_void_p]),
        "pa_sw_volume_from_linear": (c_uint32, [c_double]),
    }
    for name, (result, arguments) in signatures.items():
        function = getattr(lib, name)
        function.restype = result
        function.argtypes = arguments


class PulseSamples:
    """One connection to the sound server that uploads cues once and plays them by name."""

    def __init__(self, lib: ctypes.CDLL, mainloop: int, context: int) -> None:
        self._lib = lib
        self._mainloop: int | None = mainloop
        self._context = context
        self._names: dict[str, bytes] = {}
        self._seconds: dict[str, float] = {}

    # -------------------------------------------------------------- public

    def upload(self, cue: str, pcm: bytes, sample_rate: int, channels: int) -> bool:
        """Put ``pcm`` (16-bit little-endian) into the server's cache as ``cue``; False if refused."""
        if self._mainloop is None or not pcm:
            return False
        # Named by content: a later upload of the same sound replaces it, so the cache never fills up.
        name = f"hipbreak-{cue}-{zlib.crc32(pcm):08x}".encode()
        spec = _SampleSpec(_PA_SAMPLE_S16LE, sample_rate, channels)
        lib, loop = self._lib, self._mainloop
        lib.pa_threaded_mainloop_lock(loop)
        stream = lib.pa_stream_new(self._context, name, ctypes.byref(spec), None)
        ok = bool(stream) and lib.pa_stream_connect_upload(stream, len(pcm)) == 0
        lib.pa_threaded_mainloop_unlock(loop)
        if ok:
            ok = self._wait(lambda: lib.pa_stream_get_state(stream), _PA_STREAM_READY,
                            (_PA_STREAM_FAILED, _PA_STREAM_TERMINATED))
        if ok:
            buffer = ctypes.create_string_buffer(pcm, len(pcm))
            lib.pa_threaded_mainloop_lock(loop)
            ok = (lib.pa_stream_write(stream, buffer, len(pcm), None, 0, _PA_SEEK_RELATIVE) == 0
                  and lib.pa_stream_finish_upload(stream) == 0)
            lib.pa_threaded_mainloop_unlock(loop)
        if ok:  # an upload stream ends (TERMINATED) once the server has stored the sample
            ok = self._wait(lambda: lib.pa_stream_get_state(stream), _PA_STREAM_TERMINATED, (_PA_STREAM_FAILED,))
        if stream:
            lib.pa_threaded_mainloop_lock(loop)
            lib.pa_stream_unref(stream)
            lib.pa_threaded_mainloop_unlock(loop)
        if ok:
            self._names[cue] = name
            self._seconds[cue] = len(pcm) / (2 * channels * sample_rate)
        return ok

    def has(self, cue: str) -> bool:
        return cue in self._names

    def seconds(self, cue: str) -> float:
        """How long ``cue`` sounds (0 when it was not uploaded)."""
        return self._seconds.get(cue, 0.0)

    def play(self, cue: str, volume: float) -> bool:
        """Ask the server to play ``cue`` at ``volume`` (0..1); one request, the server mixes it."""
        name = self._names.get(cue)
        if self._mainloop is None or name is None or not self.connected():
            return False
        lib = self._lib
        lib.pa_threaded_mainloop_lock(self._mainloop)
        try:
            level = lib.pa_sw_volume_from_linear(max(0.0, min(1.0, volume)))
            operation = lib.pa_context_play_sample(self._context, name, None, level, None, None)
            if operation:
                lib.pa_operation_unref(operation)
            return bool(operation)
        finally:
            lib.pa_threaded_mainloop_unlock(self._mainloop)

    def connected(self) -> bool:
        if self._mainloop is None:
            return False
        self._lib.pa_threaded_mainloop_lock(self._mainloop)
        state = self._lib.pa_context_get_state(self._context)
        self._lib.pa_threaded_mainloop_unlock(self._mainloop)
        return bool(state == _PA_CONTEXT_READY)

    def close(self) -> None:
        """Take our samples out of the server's cache and disconnect (safe to call twice)."""
        if self._mainloop is None:
            return
        lib, loop = self._lib, self._mainloop
        self._mainloop = None
        lib.pa_threaded_mainloop_lock(loop)
        if lib.pa_context_get_state(self._context) == _PA_CONTEXT_READY:
            for name in self._names.values():
                operation = lib.pa_context_remove_sample(self._context, name, None, None)
                if operation:
                    lib.pa_operation_unref(operation)
        lib.pa_threaded_mainloop_unlock(loop)
        # let the removals reach the server before the connection goes (bounded: a few ms)
        time.sleep(0.02)
        lib.pa_threaded_mainloop_lock(loop)
        lib.pa_context_disconnect(self._context)
        lib.pa_context_unref(self._context)
        lib.pa_threaded_mainloop_unlock(loop)
        lib.pa_threaded_mainloop_stop(loop)
        lib.pa_threaded_mainloop_free(loop)
        self._names.clear()

    # ------------------------------------------------------------ internal

    def _wait(self, state: object, wanted: int, failed: tuple[int, ...]) -> bool:
        return _wait(self._lib, self._mainloop, state, wanted, failed)


def _wait(lib: ctypes.CDLL, loop: int | None, state: object, wanted: int, failed: tuple[int, ...]) -> bool:
    """Poll ``state()`` under the lock until it is ``wanted`` (True) or failed / too late (False)."""
    if loop is None:
        return False
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        lib.pa_threaded_mainloop_lock(loop)
        now = state()  # type: ignore[operator]
        lib.pa_threaded_mainloop_unlock(loop)
        if now == wanted:
            return True
        if now in failed or time.monotonic() > deadline:
            return False
        time.sleep(0.002)


def connect(client_name: str = "HipBreak") -> PulseSamples | None:
    """A connection to the user's sound server, or None (no libpulse, no server, or it refused)."""
    lib = _load()
    if lib is None:
        return None
    loop = lib.pa_threaded_mainloop_new()
    if not loop:
        return None
    context = lib.pa_context_new(lib.pa_threaded_mainloop_get_api(loop), client_name.encode())
    if not context or lib.pa_context_connect(context, None, _PA_CONTEXT_NOAUTOSPAWN, None) < 0 \
            or lib.pa_threaded_mainloop_start(loop) < 0:
        if context:
            lib.pa_context_unref(context)
        lib.pa_threaded_mainloop_free(loop)
        return None
    if not _wait(lib, loop, lambda: lib.pa_context_get_state(context), _PA_CONTEXT_READY,
                 (_PA_CONTEXT_FAILED, _PA_CONTEXT_TERMINATED)):
        log.info("sound: no PulseAudio server answered; cues go through Qt's audio output")
        lib.pa_threaded_mainloop_lock(loop)
        lib.pa_context_disconnect(context)
        lib.pa_context_unref(context)
        lib.pa_threaded_mainloop_unlock(loop)
        lib.pa_threaded_mainloop_stop(loop)
        lib.pa_threaded_mainloop_free(loop)
        return None
    return PulseSamples(lib, loop, context)
