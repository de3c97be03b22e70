"""Fail if any user-facing string lacks a Chinese translation, is fuzzy, or is not compiled.

For each app with a locale/ folder (and each app with Python or template files at all), this
re-extracts the app's strings into a scratch copy with Django's makemessages and compares:
every msgid in the code must be in the committed .po with a non-empty msgstr and no fuzzy
flag, and the committed .mo must be what msgfmt makes of the .po.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DJANGO_ADMIN = ROOT / ".venv" / "bin" / "django-admin"
ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def parse_po(path: Path) -> dict[tuple[str, str], dict]:
    entries: dict[tuple[str, str], dict] = {}
    current: dict = {"flags": "", "msgstr": []}
    key = None

    def flush() -> None:
        if current.get("msgid"):
            entries[(current.get("msgctxt", ""), current["msgid"])] = current

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            flush()
            current, key = {"flags": "", "msgstr": []}, None
        elif line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif match := ENTRY.match(line):
            key, text = match.group(1), match.group(2)
            if key.startswith("msgstr"):
                current["msgstr"].append(text)
                key = "msgstr"
            else:
                current[key] = text
        elif line.startswith('"') and key:
            text = line[1:-1]
            if key == "msgstr":
                current["msgstr"][-1] += text
            else:
                current[key] += text
    return entries


def extracted_ids(app: Path, scratch: Path) -> set[tuple[str, str]]:
    copy = scratch / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("static", "migrations", "__pycache__"))
    shutil.rmtree(copy / "locale", ignore_errors=True)
    (copy / "locale").mkdir()
    subprocess.run(
        [str(DJANGO_ADMIN), "makemessages", "-l", "zh_Hans", "-v", "0"], cwd=copy, check=True
    )
    po = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    return set(parse_po(po)) if po.exists() else set()


def check_app(app: Path, scratch: Path) -> list[str]:
    problems = []
    wanted = extracted_ids(app, scratch)
    po = app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    if not wanted:
        return problems
    if not po.exists():
        return [f"{app}: {len(wanted)} strings but no {po.relative_to(ROOT)} (run make messages)"]
    entries = parse_po(po)
    for key in sorted(wanted - set(entries)):
        problems.append(f"{po.relative_to(ROOT)}: not extracted yet: {key[1]!r} (make messages)")
    for key, entry in sorted(entries.items()):
        if key in wanted and (not all(entry["msgstr"]) or "fuzzy" in entry["flags"]):
            problems.append(f"{po.relative_to(ROOT)}: no Chinese translation for {key[1]!r}")
    problems += check_compiled(po)
    return problems


def check_compiled(po: Path) -> list[str]:
    mo = po.with_suffix(".mo")
    with tempfile.NamedTemporaryFile(suffix=".mo") as fresh:
        subprocess.run(["msgfmt", "--check-format", "-o", fresh.name, str(po)], check=True)
        if not mo.exists() or Path(fresh.name).read_bytes() != mo.read_bytes():
            return [f"{mo.relative_to(ROOT)} is not compiled from its .po (make messages)"]
    return []


def main() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        for app in sorted((ROOT / "server").iterdir()):
            if (app / "apps.py").exists():
                problems += check_app(app, Path(scratch))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} translation problems", file=sys.stderr)
        return 1
    print("Translations complete: every string has Chinese, every catalog is compiled.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
