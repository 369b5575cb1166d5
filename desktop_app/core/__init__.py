"""Pure-Python core: scheduling, routines, the routine player, settings and stats.

Nothing in this package may import Qt. A test asserts that importing it leaves
``PySide6`` out of ``sys.modules``, so the core stays fast to test and portable.
"""
