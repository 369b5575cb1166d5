"""Read gettext .po catalogs and compile them to .mo, with the standard library only.

Why our own small compiler instead of GNU ``msgfmt``: the .mo files are built
by ``pip install`` (setup.py), ``scripts/setup-venv`` and ``scripts/build-bundle``,
which must work on a machine without the gettext tools (Windows, macOS, a bare
CI image). The .mo format is a sorted table of byte strings, small enough to
write here; ``tests/test_translations.py`` checks the result against GNU
``msgunfmt`` and Python's ``gettext`` reader. Extracting and merging strings
(``scripts/update-translations``) is left to GNU ``xgettext``/``msgmerge``,
which translators' tools and distributions expect.

The same reader lets the app use a .po file directly when its .mo is missing
or older (a source checkout where someone just edited a catalog).
"""

from __future__ import annotations

import ast
import struct
from dataclasses import dataclass, field
from pathlib import Path

#: GNU .mo magic number (little-endian files; readers accept both byte orders).
MO_MAGIC = 0x950412DE


class PoError(ValueError):
    """A .po file that cannot be read; the message names the file and line."""


@dataclass
class PoEntry:
    """One message of a catalog. ``msgstr`` has one text, or one per plural form."""

    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # "#." extracted comments
    obsolete: bool = False

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """Every form has a translation and none is marked fuzzy."""
        return bool(self.msgstr) and all(self.msgstr) and not self.fuzzy


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise PoError(f"{where}: expected a quoted string, got {text!r}")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        raise PoError(f"{where}: bad string {text!r} ({exc})") from None
    if not isinstance(value, str):  # pragma: no cover - a quoted literal is always str
        raise PoError(f"{where}: bad string {text!r}")
    return value


def parse_po(text: str, name: str = "<po>") -> list[PoEntry]:
    """Every entry in a .po file's text, the header (msgid "") included, in file order."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines extend
    pending_flags: set[str] = set()
    pending_refs: list[str] = []
    pending_comments: list[str] = []

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(text.splitlines(), 1):
        where = f"{name}:{number}"
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
                target = None
            if line.startswith("#,"):
                pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            elif line.startswith("#:"):
                pending_refs += line[2:].split()
            elif line.startswith("#."):
                pending_comments.append(line[2:].strip())
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if current is None or target is None:
                raise PoError(f"{where}: a string with no msgid/msgstr before it")
            value = _unquote(line, where)
            name_, index = target
            if name_ == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name_, (getattr(current, name_) or "") + value)
            continue
        value = _unquote(rest, where)
        if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
            finish()
            current = PoEntry(msgid="", flags=pending_flags, references=pending_refs,
                              comments=pending_comments, obsolete=obsolete)
            pending_flags, pending_refs, pending_comments = set(), [], []
        if current is None:
            raise PoError(f"{where}: {keyword} before any msgid")
        if keyword == "msgctxt":
            current.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            current.msgid, target = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword == "msgstr":
            current.msgstr.append(value)
            target = ("msgstr", len(current.msgstr) - 1)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            if index != len(current.msgstr):
                raise PoError(f"{where}: {keyword} out of order")
            current.msgstr.append(value)
            target = ("msgstr", index)
        else:
            raise PoError(f"{where}: unknown keyword {keyword!r}")
    finish()
    return entries


def read_po(path: Path) -> list[PoEntry]:
    """Parse a .po file; :class:`PoError` (with the file name) if it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PoError(f"cannot read {path} ({exc})") from None
    return parse_po(text, str(path))


def compile_mo(entries: list[PoEntry]) -> bytes:
    """The GNU .mo bytes for ``entries``: the header and every translated, non-fuzzy entry."""
    table: dict[bytes, bytes] = {}
    for entry in entries:
        if entry.obsolete:
            continue
        is_header = entry.msgid == "" and entry.msgctxt is None
        if not is_header and not entry.translated:
            continue
        if is_header and not entry.msgstr:
            continue
        key = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\0{entry.msgid_plural}"
        if entry.msgctxt is not None:
            key = f"{entry.msgctxt}\x04{key}"
        table[key.encode("utf-8")] = "\0".join(entry.msgstr).encode("utf-8")
    keys = sorted(table)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    offsets: list[tuple[int, int]] = []
    blob = bytearray()
    for raw in keys:
        offsets.append((len(raw), data_at + len(blob)))
        blob += raw + b"\0"
    trans_offsets: list[tuple[int, int]] = []
    for raw in keys:
        value = table[raw]
        trans_offsets.append((len(value), data_at + len(blob)))
        blob += value + b"\0"
    out = bytearray(struct.pack("<7I", MO_MAGIC, 0, count, originals_at, translations_at, 0, data_at))
    for length, offset in offsets + trans_offsets:
        out += struct.pack("<2I", length, offset)
    return bytes(out + blob)


def statistics(entries: list[PoEntry]) -> tuple[int, list[PoEntry], list[PoEntry]]:
    """(number of messages, untranslated entries, fuzzy entries), header and obsolete ones left out."""
    live = [e for e in entries if not e.obsolete and not (e.msgid == "" and e.msgctxt is None)]
    fuzzy = [e for e in live if e.fuzzy]
    untranslated = [e for e in live if not e.fuzzy and not e.translated]
    return len(live), untranslated, fuzzy


def mo_path(locale_dir: Path, lang: str, domain: str) -> Path:
    """The standard gettext place of a compiled catalog: ``<dir>/<lang>/LC_MESSAGES/<domain>.mo``."""
    return locale_dir / lang / "LC_MESSAGES" / f"{domain}.mo"


def compile_catalogs(po_dir: Path, domain: str, out_dir: Path | None = None) -> list[Path]:
    """Compile every ``<po_dir>/<lang>.po`` to ``<out_dir>/<lang>/LC_MESSAGES/<domain>.mo``.

    Writes only when the bytes change (keeps timestamps and rebuilds quiet).
    Returns the .mo paths. Raises :class:`PoError` for a catalog that cannot be read.
    """
    out_dir = po_dir if out_dir is None else out_dir
    written: list[Path] = []
    for po in sorted(po_dir.glob("*.po")):
        data = compile_mo(read_po(po))
        target = mo_path(out_dir, po.stem, domain)
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".mo.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
        written.append(target)
    return written


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _field(keyword: str, text: str) -> list[str]:
    """One field; texts with line breaks are split after each ``\\n`` as gettext tools do."""
    if "\n" not in text[:-1]:
        return [f"{keyword} {_quote(text)}"]
    parts = text.splitlines(keepends=True)
    return [f'{keyword} ""'] + [_quote(part) for part in parts]


def format_po(entries: list[PoEntry]) -> str:
    """The .po text for ``entries`` (``msgmerge`` re-wraps it the standard way on the next update)."""
    out: list[str] = []
    for entry in entries:
        prefix = "#~ " if entry.obsolete else ""
        out += [f"#. {c}" for c in entry.comments]
        if entry.references:
            out.append("#: " + " ".join(entry.references))
        if entry.flags:
            out.append("#, " + ", ".join(sorted(entry.flags)))
        lines: list[str] = []
        if entry.msgctxt is not None:
            lines += _field("msgctxt", entry.msgctxt)
        lines += _field("msgid", entry.msgid)
        if entry.msgid_plural is not None:
            lines += _field("msgid_plural", entry.msgid_plural)
            for index, text in enumerate(entry.msgstr or ["", ""]):
                lines += _field(f"msgstr[{index}]", text)
        else:
            lines += _field("msgstr", entry.msgstr[0] if entry.msgstr else "")
        out += [prefix + line for line in lines]
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """``python -m desktop_app.po_files [PO_DIR]``: compile every catalog; 1 with a plain message on error."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    po_dir = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "assets" / "i18n"
    try:
        paths = compile_catalogs(po_dir, "hipbreak")
    except (PoError, OSError) as exc:
        print(f"cannot compile the translations: {exc}", file=sys.stderr)
        return 1
    print(f"translations: {len(paths)} catalogs compiled in {po_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
