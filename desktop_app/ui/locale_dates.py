"""Dates, times and numbers in the statistics window, the way the user's locale writes them.

Qt's ``QLocale`` knows every region's conventions (CLDR), so the windows use it;
the command line, which has no Qt, uses the small table in
``desktop_app.locale_format``. Both start from the same locale name
(``desktop_app.i18n.format_locale_name``: the UI language in the system's
region), so a German UI on an Austrian system writes Austrian dates in both.

With no locale set at all (``C``), Qt's own C formats are odd ("24 11 2026"),
so the window keeps its plain built-in forms there: "Tue 24 Nov", "14:05".
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QLocale, QTime

from desktop_app.core.settings import DAY_NAMES
from desktop_app.i18n import _, format_locale_name


def ui_locale() -> QLocale:
    """The QLocale for the current UI language (and the system's region)."""
    return QLocale(format_locale_name())


def _month(month: int) -> str:
    names = (_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun"),
             _("Jul"), _("Aug"), _("Sep"), _("Oct"), _("Nov"), _("Dec"))
    return names[month - 1]


def _weekday(day: date) -> str:
    names = {"mon": _("Mon"), "tue": _("Tue"), "wed": _("Wed"), "thu": _("Thu"), "fri": _("Fri"),
             "sat": _("Sat"), "sun": _("Sun")}
    return names[DAY_NAMES[day.weekday()]]


def short_date(day: date) -> str:
    """A day with its weekday, short: ``Tue 11/24/26`` (en_US), ``Di. 24.11.26`` (de_DE); ``Tue 24 Nov`` in C."""
    locale = ui_locale()
    if locale.language() == QLocale.Language.C:
        return f"{_weekday(day)} {day.day} {_month(day.month)}"
    qdate = QDate(day.year, day.month, day.day)
    return f"{locale.dayName(qdate.dayOfWeek(), QLocale.FormatType.ShortFormat)} " \
           f"{locale.toString(qdate, QLocale.FormatType.ShortFormat)}"


def long_date(day: date) -> str:
    """``Tuesday, November 24, 2026`` (en_US), ``Dienstag, 24. November 2026``; ``Tue 24 Nov 2026`` in C."""
    locale = ui_locale()
    if locale.language() == QLocale.Language.C:
        return f"{_weekday(day)} {day.day} {_month(day.month)} {day.year}"
    return locale.toString(QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat)


def clock_time(moment: datetime) -> str:
    """A time of day: ``2:05 PM`` (en_US), ``14:05`` (most others and C)."""
    locale = ui_locale()
    if locale.language() == QLocale.Language.C:
        return f"{moment.hour:02d}:{moment.minute:02d}"
    return locale.toString(QTime(moment.hour, moment.minute), QLocale.FormatType.ShortFormat)


def decimal(value: float, places: int = 1) -> str:
    """``1,234.5`` (en), ``1.234,5`` (de), ``1 234,5`` (fr)."""
    return ui_locale().toString(float(value), "f", places)
