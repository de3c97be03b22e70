"""Fill empty translations of a .po file from a JSON object {msgid: msgstr} (developer tool).

    python scripts/po_fill.py server/grids/locale/zh_Hans/LC_MESSAGES/django.po zh.json
    python scripts/po_fill.py --missing server/grids/locale/zh_Hans/LC_MESSAGES/django.po

Prints the msgids still untranslated. Plural entries take a list of forms. Fuzzy flags of
filled entries are dropped. Run ``make messages`` afterwards to compile.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquote(text: str) -> str:
    return json.loads(text)


def split_entries(source: str) -> list[list[str]]:
    return [block.splitlines() for block in re.split(r"\n\s*\n", source.strip())]


def entry_field(lines: list[str], name: str) -> str | None:
    value, active = None, False
    for line in lines:
        if line.startswith(name + " "):
            value, active = _unquote(line[len(name) + 1 :]), True
        elif active and line.startswith('"'):
            value = (value or "") + _unquote(line)
        else:
            active = False if not line.startswith('"') else active
    return value


def fill(po: Path, translations: dict[str, object]) -> list[str]:
    blocks = split_entries(po.read_text(encoding="utf-8"))
    missing, out = [], []
    for lines in blocks:
        msgid = entry_field(lines, "msgid")
        if not msgid:
            out.append(lines)
            continue
        plural = entry_field(lines, "msgid_plural")
        current = (
            entry_field(lines, "msgstr") if plural is None else entry_field(lines, "msgstr[0]")
        )
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if current and not fuzzy:
            out.append(lines)
            continue
        if msgid not in translations:
            missing.append(msgid)
            out.append(lines)
            continue
        out.append(_rewrite(lines, translations[msgid], plural is not None))
    po.write_text("\n\n".join("\n".join(lines) for lines in out) + "\n", encoding="utf-8")
    return missing


def _rewrite(lines: list[str], value: object, plural: bool) -> list[str]:
    kept = []
    skipping = False
    for line in lines:
        if line.startswith("#,"):
            flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() != "fuzzy"]
            if flags:
                kept.append("#, " + ", ".join(flags))
            continue
        if line.startswith("#| "):
            continue
        if line.startswith("msgstr"):
            skipping = True
            continue
        if skipping and line.startswith('"'):
            continue
        skipping = False
        kept.append(line)
    forms = value if isinstance(value, list) else [value]
    if plural:
        kept += [f"msgstr[{index}] {_quote(str(form))}" for index, form in enumerate(forms)]
    else:
        kept.append(f"msgstr {_quote(str(forms[0]))}")
    return kept


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] == "--missing":
        missing = fill(Path(args[1]), {})
    else:
        missing = fill(Path(args[0]), json.loads(Path(args[1]).read_text(encoding="utf-8")))
    for msgid in missing:
        print(msgid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
