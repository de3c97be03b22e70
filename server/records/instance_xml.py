"""Writing a submission's instance XML the way ODK Collect does (namespaced root, ``orx:meta``),
from nested values: a dict is a group, a list of dicts is a repeat, anything else a leaf. Used
by the demo activity (which goes through the real ingest service) and by tests."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape


def instance_xml(
    *,
    form_id: str,
    version: str,
    values: dict[str, Any],
    instance_id: str,
    deprecated_id: str = "",
    instance_name: str = "",
) -> bytes:
    meta = f"<orx:instanceID>{escape(instance_id)}</orx:instanceID>"
    if deprecated_id:
        meta += f"<orx:deprecatedID>{escape(deprecated_id)}</orx:deprecatedID>"
    if instance_name:
        meta += f"<orx:instanceName>{escape(instance_name)}</orx:instanceName>"
    return (
        "<?xml version='1.0' ?>"
        f'<data id="{escape(form_id)}" version="{escape(version)}" '
        'xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" '
        'xmlns="http://opendatakit.org/submissions">'
        f"{_nodes(values)}<orx:meta>{meta}</orx:meta></data>"
    ).encode()


def _nodes(values: dict[str, Any]) -> str:
    return "".join(_node(name, value) for name, value in values.items() if value is not None)


def _node(name: str, value: Any) -> str:
    if isinstance(value, dict):
        return f"<{name}>{_nodes(value)}</{name}>"
    if isinstance(value, list):
        return "".join(f"<{name}>{_nodes(item)}</{name}>" for item in value)
    text = escape(str(value))
    return f"<{name}>{text}</{name}>" if text else f"<{name}/>"
