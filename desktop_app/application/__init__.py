"""The application layer: what HipBreak does, without Qt, files or the OS.

It sits between the pure core and the outer layers. The core knows the rules
(when a break is due); this layer runs them for one user: it owns the
scheduler, writes every event to the history, saves the state, builds the
status, and serves the commands declared once in :mod:`.commands`. Storage,
platform and the Qt windows reach it only through the Protocols in
:mod:`.ports`, which ``app.py`` (the composition root) fills with real or
Null adapters. Nothing here imports PySide6, ``storage`` or ``platform``;
``tests/test_layers.py`` checks that.
"""
