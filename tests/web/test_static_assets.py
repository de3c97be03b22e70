"""Every script and style comes from Gridbook itself: vendored, pinned, with its licence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "server" / "web"
VENDOR = WEB / "static" / "web" / "vendor"
SCRIPT = (ROOT / "scripts" / "vendor_static.sh").read_text()


def test_templates_load_nothing_from_other_hosts() -> None:
    for template in (WEB / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"(src|href)=\"(https?:)?//", text), template


@pytest.mark.parametrize(
    ("package", "files", "marker"),
    [
        ("htmx.org@2.0.11", ["htmx/htmx.min.js", "htmx/LICENSE"], 'version:"2.0.11"'),
        (
            "echarts@6.1.0",
            ["echarts/echarts.min.js", "echarts/LICENSE", "echarts/NOTICE"],
            'version="6.1.0"',
        ),
    ],
)
def test_vendored_libraries_are_the_pinned_versions(package, files, marker) -> None:
    assert package in SCRIPT
    for name in files:
        assert (VENDOR / name).stat().st_size > 0
    assert marker.replace('"', "") in (VENDOR / files[0]).read_text().replace('"', "")


def test_pages_reference_the_vendored_files(client) -> None:
    page = client.get("/login/").content.decode()
    assert '<script src="/static/web/vendor/htmx/htmx.min.js" defer>' in page
