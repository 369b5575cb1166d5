"""Moved: the command table lives in :mod:`desktop_app.application.commands`.

This name stays while other modules and tests still import it; new code
imports the application module.
"""

from desktop_app.application.commands import *  # noqa: F403
from desktop_app.application.commands import (  # noqa: F401  (names not in __all__)
    _check_arg,
    _type_word,
)
