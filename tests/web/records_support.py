"""Records rows for the web tests, written straight to the tables (the records app's own
tests cover how submissions become these rows; here only what the pages show matters)."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from server.accounts.models import User
from server.grids.models import Area, Household
from server.records.choices import ChangeKind, ChangeState, EventKind, EventSource, NeedStatus
from server.records.models import (
    Need,
    NeedEvent,
    RegisterChange,
    SatisfactionResponse,
    SatisfactionScore,
    Visit,
)
from server.records.register import household_touch_last_visit
from server.records.services import visit_slot
from server.submissions.models import Attachment, Submission
from server.xforms.models import FormVersion
from tests.xforms.conftest import simple_form, upload_markdown

_versions: dict[str, FormVersion] = {}


def form_version(form_id: str = "hh_visit") -> FormVersion:
    existing = FormVersion.objects.filter(form__form_id=form_id).first()
    if existing is not None:
        return existing
    return upload_markdown(simple_form(form_id=form_id)).version


def submission(
    *, grid: Area, by: User, at: datetime | None = None, form_id: str = "hh_visit"
) -> Submission:
    version = form_version(form_id)
    instance = f"uuid:{uuid.uuid4()}"
    return Submission.objects.create(
        form=version.form,
        form_version=version,
        instance_id=instance,
        root_instance_id=instance,
        xml=b"<data/>",
        xml_md5="0" * 32,
        submitted_by=by,
        grid=grid,
        received_at=at or timezone.now(),
        started_at=at or timezone.now(),
    )


def visit(
    household: Household,
    *,
    by: User,
    at: datetime | None = None,
    result: str = "met",
    gps: tuple[str, str] | None = ("30.657000", "104.066000"),
    diary: str = "",
) -> Visit:
    at = at or timezone.now()
    grid = household.building.grid
    sent = submission(grid=grid, by=by, at=at)
    created = Visit.objects.create(
        root_instance_id=sent.root_instance_id,
        submission=sent,
        grid=grid,
        building=household.building,
        household=household,
        household_code=household.code,
        worker=by,
        visit_type="routine",
        result=result,
        visited_at=at,
        visit_slot=visit_slot(at),
        received_at=at,
        latitude=Decimal(gps[0]) if gps else None,
        longitude=Decimal(gps[1]) if gps else None,
        diary=diary,
    )
    household_touch_last_visit(household=household)
    return created


def photo(sent: Submission, name: str = "door.jpg") -> Attachment:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, "JPEG")
    attachment = Attachment(
        submission=sent,
        name=name,
        present=True,
        is_image=True,
        content_type="image/jpeg",
        size=buffer.tell(),
        width=40,
        height=30,
    )
    attachment.file.save(
        f"test/{uuid.uuid4().hex}-{name}", ContentFile(buffer.getvalue()), save=False
    )
    attachment.save()
    return attachment


def need(
    household: Household,
    *,
    by: User,
    category: str = "eldercare",
    status: str = NeedStatus.OPEN,
    raised: datetime | None = None,
    due_in_days: int = 15,
    description: str = "楼道灯坏了",
) -> Need:
    raised = raised or timezone.now()
    grid = household.building.grid
    sent = submission(grid=grid, by=by, at=raised)
    created = Need.objects.create(
        key=f"{sent.root_instance_id}#1",
        submission=sent,
        grid=grid,
        household=household,
        raised_by=by,
        category=category,
        description=description,
        raised_at=raised,
        due_at=raised + timedelta(days=due_in_days),
        status=status,
    )
    NeedEvent.objects.create(
        need=created,
        kind=EventKind.RAISED,
        to_status=NeedStatus.OPEN,
        at=raised,
        actor=by,
        source=EventSource.FIELD,
        submission=sent,
    )
    return created


def satisfaction(
    household: Household, *, by: User, scores: dict[str, int | None]
) -> SatisfactionResponse:
    at = timezone.now()
    grid = household.building.grid
    sent = submission(grid=grid, by=by, at=at, form_id="satisfaction")
    response = SatisfactionResponse.objects.create(
        root_instance_id=sent.root_instance_id,
        submission=sent,
        grid=grid,
        household=household,
        collector=by,
        responded_at=at,
        overall=scores.get("overall"),
    )
    for dimension, score in scores.items():
        SatisfactionScore.objects.create(
            response=response, dimension=dimension, score=score, grid=grid, responded_at=at
        )
    return response


def pending_change(household: Household, *, by: User, payload: dict) -> RegisterChange:
    grid = household.building.grid
    sent = submission(grid=grid, by=by)
    return RegisterChange.objects.create(
        kind=ChangeKind.DETAILS,
        state=ChangeState.PENDING,
        grid=grid,
        building=household.building,
        household=household,
        payload=payload,
        submission=sent,
        proposed_by=by,
        proposed_at=timezone.now(),
    )
