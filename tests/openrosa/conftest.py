"""Forms and phones for the OpenRosa tests.

``visit_form`` is a small household-visit form (form_id ``hh_visit``, so its submissions are
filed under the grid answered at ``/data/grp_id/grid``) with a photo, a repeat with a photo
per row, and the register list ``households.csv``; it is uploaded as a designer uploads a
workbook, opened and published to 长源社区 (bob's grid CY1 is below it; carol's BH1 is not).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from PIL import Image

from server.accounts.collector_devices import forget_recent_writes
from server.submissions.acceptance import forget_accepting_versions
from server.submissions.shape import forget_shapes
from server.xforms.models import FormVersion
from server.xforms.services import form_publish, form_set_state, form_upload
from server.xforms.xlsform import xlsx_from_markdown
from tests.conftest import PASSWORD, World
from tests.openrosa.collect import CollectClient

VISIT_FORM = """
| survey |
|        | type                          | name         | label::Chinese (zh) | label::English (en) | choice_filter |
|        | start                         | start        |                     |                     |               |
|        | end                           | end          |                     |                     |               |
|        | deviceid                      | deviceid     |                     |                     |               |
|        | begin group                   | grp_id       | 走访对象            | Household           |               |
|        | text                          | grid         | 网格                | Grid                |               |
|        | select_one_from_file households.csv | household | 住户         | Household           | grid=${grid}  |
|        | end group                     | grp_id       |                     |                     |               |
|        | image                         | door_photo   | 门牌照片            | Door photo          |               |
|        | begin repeat                  | needs        | 诉求                | Need                |               |
|        | text                          | need_desc    | 诉求内容            | What is needed      |               |
|        | image                         | need_photo   | 诉求照片            | Need photo          |               |
|        | end repeat                    | needs        |                     |                     |               |
| settings |
|          | form_id  | version    | form_title | default_language | instance_name       |
|          | hh_visit | {version}  | 入户走访   | Chinese (zh)     | concat(${grid}, '-', ${household}) |
"""


@pytest.fixture(autouse=True)
def _fresh_process_memory() -> Iterator[None]:
    """Per-process memories (device writes, schema shapes) start empty in every test, and so
    does the submissions/ tree of the media storage (the database is rolled back after each
    test; the files earlier tests stored would otherwise look like orphans)."""
    forget_recent_writes()
    forget_shapes()
    forget_accepting_versions()
    remove_submission_files()
    yield
    forget_recent_writes()
    forget_shapes()
    forget_accepting_versions()


def remove_submission_files() -> None:
    from server.core.storage import media_storage
    from server.submissions.pruning import _files_below

    storage = media_storage()
    try:
        keys = list(_files_below("submissions"))
    except FileNotFoundError:
        return
    for key in keys:
        storage.delete(key)


def upload_visit_form(world: World, version: str = "2026112301") -> FormVersion:
    data = xlsx_from_markdown(VISIT_FORM.replace("{version}", version))
    result = form_upload(data=data, file_name="hh_visit.xlsx", user=world.dave, validate=False)
    return result.version


@pytest.fixture
def visit_form(world: World) -> FormVersion:
    version = upload_visit_form(world)
    form_set_state(form=version.form, state="open")
    form_publish(form=version.form, area=world.community_a)
    return FormVersion.objects.select_related("form").get(pk=version.pk)


@pytest.fixture
def bob_phone(client: Client, world: World) -> CollectClient:
    return CollectClient(client, username="bob", password=PASSWORD)


@pytest.fixture
def carol_phone(world: World) -> CollectClient:
    return CollectClient(
        Client(), username="carol", password=PASSWORD, device_id="collect:carolPhone0000001"
    )


def photo(
    width: int = 320, height: int = 240, color: tuple[int, int, int] = (120, 80, 40)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def new_instance_id() -> str:
    return f"uuid:{uuid.uuid4()}"


def visit_xml(
    version: FormVersion,
    *,
    instance_id: str | None = None,
    grid: str = "CY1",
    household: str = "XF-1-101",
    door_photo: str | None = "1763859601123.jpg",
    need_photos: tuple[str, ...] = (),
    deprecated_id: str = "",
    collect_style: bool = True,
    note: str = "楼道灯坏了",
) -> bytes:
    """A submission of ``visit_form`` as Collect (namespaced, orx:meta) or Web Forms write it."""
    instance_id = instance_id or new_instance_id()
    needs = (
        "".join(
            f"<needs><need_desc>{note}</need_desc><need_photo>{_escape(name)}</need_photo></needs>"
            for name in need_photos
        )
        or f"<needs><need_desc>{note}</need_desc><need_photo/></needs>"
    )
    door = f"<door_photo>{_escape(door_photo)}</door_photo>" if door_photo else "<door_photo/>"
    deprecated = f"<orx:deprecatedID>{deprecated_id}</orx:deprecatedID>" if deprecated_id else ""
    body = (
        "<start>2026-11-23T09:00:01.123+08:00</start><end>2026-11-23T09:12:45.5+08:00</end>"
        "<deviceid>collect:Xk3pQ9wLm2Rt7vB1</deviceid>"
        f"<grp_id><grid>{grid}</grid><household>{household}</household></grp_id>"
        f"{door}{needs}"
    )
    form_id, number = version.form.form_id, version.version
    if collect_style:
        return (
            "<?xml version='1.0' ?>"
            f'<data id="{form_id}" version="{number}" xmlns:jr="http://openrosa.org/javarosa" '
            'xmlns:orx="http://openrosa.org/xforms" xmlns="http://opendatakit.org/submissions">'
            f"{body}<orx:meta><orx:instanceID>{instance_id}</orx:instanceID>{deprecated}"
            f"<orx:instanceName>{grid}-{household}</orx:instanceName></orx:meta></data>"
        ).encode()
    meta = f"<meta><instanceID>{instance_id}</instanceID>"
    meta += f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        f'<data id="{form_id}" version="{number}">{body}{meta}'
        f"<instanceName>{grid}-{household}</instanceName></meta></data>"
    ).encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
