"""A household-visit form with what exports must handle (groups, a select_one, a
select_multiple, numbers, a date, a GPS point, a phone, photos, and a repeat of needs), and
submissions sent the way ODK Collect sends them: through the OpenRosa front door."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

from server.accounts.collector_devices import forget_recent_writes
from server.submissions.acceptance import forget_accepting_versions
from server.submissions.models import Submission
from server.submissions.shape import forget_shapes
from server.xforms.models import FormVersion
from server.xforms.services import form_publish, form_set_state, form_upload
from server.xforms.xlsform import xlsx_from_markdown
from tests.conftest import PASSWORD, World
from tests.openrosa.collect import CollectClient, Part
from tests.openrosa.conftest import photo, remove_submission_files

EXPORT_FORM = """
| survey |
|        | type                      | name          | label::Chinese (zh) | label::English (en) |
|        | start                     | start         |                     |                     |
|        | end                       | end           |                     |                     |
|        | deviceid                  | deviceid      |                     |                     |
|        | begin group               | grp_id        | 走访对象            | Household           |
|        | text                      | grid          | 网格                | Grid                |
|        | text                      | household     | 住户                | Household           |
|        | end group                 | grp_id        |                     |                     |
|        | begin group               | grp_visit     | 走访情况            | Visit               |
|        | select_one result         | visit_result  | 走访结果            | Outcome             |
|        | text                      | phone         | 联系电话            | Contact phone       |
|        | integer                   | members_total | 实际居住人数        | People living here  |
|        | select_multiple special   | special_flags | 特殊人群            | Special populations |
|        | date                      | next_visit    | 下次走访            | Next visit          |
|        | text                      | opinions      | 意见建议            | Opinions            |
|        | end group                 | grp_visit     |                     |                     |
|        | image                     | door_photo    | 门牌照片            | Door photo          |
|        | geopoint                  | location      | 位置                | Location            |
|        | begin group               | grp_needs     | 诉求登记            | Needs               |
|        | select_one yes_no         | has_needs     | 是否提出诉求        | Any needs?          |
|        | begin repeat              | needs         | 诉求                | Need                |
|        | select_one need_cat       | need_category | 诉求类别            | Category            |
|        | text                      | need_desc     | 诉求内容            | What is needed      |
|        | image                     | need_photo    | 诉求照片            | Need photo          |
|        | end repeat                | needs         |                     |                     |
|        | end group                 | grp_needs     |                     |                     |
| choices |
|         | list_name | name       | label::Chinese (zh) | label::English (en) |
|         | result    | met        | 见到住户            | Met                 |
|         | result    | nobody     | 无人在家            | Nobody home         |
|         | special   | dibao      | 低保户              | Dibao               |
|         | special   | disabled   | 残疾人              | Disabled            |
|         | special   | none       | 无                  | None                |
|         | need_cat  | repair     | 维修                | Repairs             |
|         | need_cat  | health     | 医疗健康            | Health              |
|         | yes_no    | yes        | 是                  | Yes                 |
|         | yes_no    | no         | 否                  | No                  |
| settings |
|          | form_id  | version   | form_title | default_language |
|          | hh_visit | {version} | 入户走访   | Chinese (zh)     |
"""


@dataclass
class Need:
    category: str
    text: str
    photo: str = ""


def visit_xml(
    version: FormVersion,
    *,
    grid: str = "CY1",
    household: str = "XF-1-101",
    result: str = "met",
    phone: str = "13812345678",
    members: str = "3",
    flags: str = "dibao disabled",
    next_visit: str = "2026-12-20",
    opinions: str = "楼道灯坏了",
    door_photo: str = "",
    location: str = "30.5728 104.0668 500 5",
    needs: tuple[Need, ...] = (),
    instance_id: str | None = None,
) -> bytes:
    instance_id = instance_id or f"uuid:{uuid.uuid4()}"
    repeat = "".join(
        f"<needs><need_category>{n.category}</need_category><need_desc>{n.text}</need_desc>"
        f"<need_photo>{n.photo}</need_photo></needs>"
        for n in needs
    )
    return (
        f'<data id="hh_visit" version="{version.version}" '
        'xmlns:orx="http://openrosa.org/xforms">'
        "<start>2026-11-23T09:00:01.123+08:00</start><end>2026-11-23T09:12:45.5+08:00</end>"
        "<deviceid>collect:Xk3pQ9wLm2Rt7vB1</deviceid>"
        f"<grp_id><grid>{grid}</grid><household>{household}</household></grp_id>"
        f"<grp_visit><visit_result>{result}</visit_result><phone>{phone}</phone>"
        f"<members_total>{members}</members_total><special_flags>{flags}</special_flags>"
        f"<next_visit>{next_visit}</next_visit><opinions>{opinions}</opinions></grp_visit>"
        f"<door_photo>{door_photo}</door_photo><location>{location}</location>"
        f"<grp_needs><has_needs>{'yes' if needs else 'no'}</has_needs>{repeat}</grp_needs>"
        f"<orx:meta><orx:instanceID>{instance_id}</orx:instanceID></orx:meta></data>"
    ).encode()


@pytest.fixture(autouse=True)
def _fresh_process_memory() -> Iterator[None]:
    forget_recent_writes()
    forget_shapes()
    forget_accepting_versions()
    remove_submission_files()
    yield
    forget_recent_writes()
    forget_shapes()
    forget_accepting_versions()


def upload_export_form(world: World, version: str = "2026112301") -> FormVersion:
    data = xlsx_from_markdown(EXPORT_FORM.replace("{version}", version))
    result = form_upload(data=data, file_name="hh_visit.xlsx", user=world.dave, validate=False)
    return result.version


@pytest.fixture
def export_form(world: World) -> FormVersion:
    version = upload_export_form(world)
    form_set_state(form=version.form, state="open")
    form_publish(form=version.form, area=world.street)
    return FormVersion.objects.select_related("form").get(pk=version.pk)


Send = Callable[..., Submission]


@pytest.fixture
def send(world: World, export_form: FormVersion) -> Send:
    """``send("bob", photos={"door.jpg": ...}, **visit_xml kwargs)`` → the stored submission."""
    phones = {
        "bob": CollectClient(Client(), username="bob", password=PASSWORD),
        "carol": CollectClient(
            Client(), username="carol", password=PASSWORD, device_id="collect:carolPhone0000001"
        ),
    }

    def send_(
        who: str = "bob",
        photos: tuple[str, ...] = (),
        version: FormVersion | None = None,
        **answers: object,
    ) -> Submission:
        xml = visit_xml(version or export_form, **answers)  # type: ignore[arg-type]
        parts = [Part(name, photo()) for name in photos]
        response = phones[who].submit(xml, parts)
        assert response.status_code == 201, response.content
        return Submission.objects.order_by("-id").first()  # type: ignore[return-value]

    return send_
