"""Dates, times and numbers the way the user's locale writes them, for the command line.

The statistics window uses Qt's ``QLocale`` (its CLDR data covers every region).
The CLI must work without Qt, and Python's own options are poor here:
``locale.setlocale`` only works for locales generated on the machine (a fresh
Debian has just ``C.UTF-8``, so ``de_DE.UTF-8`` fails), it changes the whole
process, and it would follow ``LC_TIME`` even when the user picked another
language in the settings. So this small table holds the few conventions the
CLI prints, for the languages HipBreak speaks, with the region taken from the
system locale when it speaks the same language (``en_GB`` vs ``en_US``).
Weekday names come from the gettext catalogs, so they match the UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from desktop_app.i18n import _, format_locale_name


@dataclass(frozen=True)
class LocaleFormat:
    """How one locale writes a date, a time of day and a number."""

    date_pattern: str  # str.format pattern with d, m, Y
    twelve_hour: bool
    decimal: str
    group: str


#: Regions that differ from their language's main one are listed in full ("en_US");
#: every other region of a language uses the language's entry ("en").
FORMATS: dict[str, LocaleFormat] = {
    "C": LocaleFormat("{Y}-{m:02d}-{d:02d}", False, ".", ","),
    "en_US": LocaleFormat("{m}/{d}/{Y}", True, ".", ","),
    "en": LocaleFormat("{d:02d}/{m:02d}/{Y}", False, ".", ","),
    "de": LocaleFormat("{d:02d}.{m:02d}.{Y}", False, ",", "."),
    "de_CH": LocaleFormat("{d:02d}.{m:02d}.{Y}", False, ".", "’"),
    "es": LocaleFormat("{d}/{m}/{Y}", False, ",", "."),
    "fr": LocaleFormat("{d:02d}/{m:02d}/{Y}", False, ",", "\u202f"),
    "fr_CA": LocaleFormat("{Y}-{m:02d}-{d:02d}", False, ",", "\u00a0"),
    "fr_CH": LocaleFormat("{d:02d}.{m:02d}.{Y}", False, ",", "\u202f"),
}


def locale_format(name: str | None = None) -> LocaleFormat:
    """The conventions for ``name`` (``de_AT``); default: the UI language in the system's region."""
    name = name or format_locale_name()
    return FORMATS.get(name) or FORMATS.get(name.split("_")[0]) or FORMATS["en_US"]


def weekday_abbreviation(day: date) -> str:
    """``Mon`` .. ``Sun`` in the UI language."""
    names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
    return names[day.weekday()]


def format_date(day: date, name: str | None = None) -> str:
    """``12/5/2026`` (en_US), ``05.12.2026`` (de), ``5/12/2026`` (es), ``05/12/2026`` (fr),
    ``2026-12-05`` with no locale set (C)."""
    return locale_format(name).date_pattern.format(d=day.day, m=day.month, Y=day.year)


def format_weekday_date(day: date, name: str | None = None) -> str:
    """The date with its weekday: ``Sa 05.12.2026``."""
    return f"{weekday_abbreviation(day)} {format_date(day, name)}"


def format_time(moment: time | datetime, name: str | None = None) -> str:
    """``3:04 PM`` (en_US) or ``15:04``."""
    if locale_format(name).twelve_hour:
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_number(value: float, decimals: int = 0, name: str | None = None) -> str:
    """``1234.5`` -> ``1,234.5`` (en), ``1.234,5`` (de), ``1 234,5`` (fr, narrow no-break space)."""
    fmt = locale_format(name)
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", fmt.decimal).replace("\0", fmt.group)
