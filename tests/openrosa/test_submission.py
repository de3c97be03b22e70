"""HEAD then POST /submission, as ODK Collect sends a saved form (shared/OPENROSA.md):
204 with the accepted length, then 201 with an OpenRosaResponse message for the worker;
each submission stored once with its raw XML, its data, who sent it from which phone, the
grid it concerns and its photos byte for byte; split uploads, resubmissions, conflicts and
edits handled as ODK Central does."""

from __future__ import annotations

from django.test import Client
from lxml import etree

from server.accounts.models import CollectorDevice
from server.core.storage import md5_hex, media_storage
from server.submissions.models import Attachment, ReviewState, Submission
from server.xforms.models import FormVersion
from tests.conftest import World
from tests.openrosa.collect import USER_AGENT, CollectClient, Part
from tests.openrosa.conftest import new_instance_id, photo, visit_xml

RESPONSE_NS = "{http://openrosa.org/http/response}"


def message(response) -> str:  # type: ignore[no-untyped-def]
    root = etree.fromstring(response.content)
    assert root.tag == f"{RESPONSE_NS}OpenRosaResponse"
    return root.findtext(f"{RESPONSE_NS}message") or ""


def stored_bytes(attachment: Attachment) -> bytes:
    with media_storage().open(attachment.file.name, "rb") as handle:
        return handle.read()


def stored_keys() -> list[str]:
    """Every file under submissions/ in the media storage (local or S3)."""
    from server.submissions.pruning import _files_below

    try:
        return sorted(_files_below("submissions"))
    except FileNotFoundError:
        return []


def test_head_announces_the_accepted_length_and_nothing_else(bob_phone: CollectClient) -> None:
    response = bob_phone.head("submission")
    assert response.status_code == 204
    assert response.headers["X-OpenRosa-Accept-Content-Length"] == "100000000"
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert not response.cookies


def test_a_submission_with_a_photo_is_stored_with_everything_collect_sent(
    bob_phone: CollectClient, visit_form: FormVersion, world: World
) -> None:
    door = photo()
    instance_id = new_instance_id()
    xml = visit_xml(visit_form, instance_id=instance_id)
    response = bob_phone.submit(xml, [Part("1763859601123.jpg", door)])

    assert response.status_code == 201
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert message(response) == "提交成功，谢谢！"
    assert not response.cookies
    submission = Submission.objects.get()
    assert bytes(submission.xml) == xml
    assert submission.xml_md5 == md5_hex(xml)
    assert submission.form_version == visit_form
    assert submission.instance_id == instance_id
    assert submission.instance_name == "CY1-XF-1-101"
    assert submission.submitted_by == world.bob
    assert submission.device_id == "collect:Xk3pQ9wLm2Rt7vB1"
    assert submission.user_agent == USER_AGENT
    assert submission.grid == world.grid_a1
    assert submission.started_at.isoformat() == "2026-11-23T01:00:01.123000+00:00"
    assert submission.ended_at is not None and submission.ended_at > submission.started_at
    assert submission.is_current and submission.root_instance_id == instance_id
    assert submission.review_state == ReviewState.RECEIVED
    assert submission.data["grp_id"] == {"grid": "CY1", "household": "XF-1-101"}
    assert submission.data["needs"] == [{"need_desc": "楼道灯坏了", "need_photo": ""}]
    assert (submission.attachments_expected, submission.attachments_present) == (1, 1)
    attachment = submission.attachments.get()
    assert attachment.name == "1763859601123.jpg"
    assert attachment.field_path == "/data/door_photo"
    assert attachment.present and attachment.is_image
    assert (attachment.width, attachment.height) == (320, 240)
    assert attachment.md5 == md5_hex(door) and attachment.size == len(door)
    assert stored_bytes(attachment) == door


def test_web_forms_output_without_namespace_or_declaration_is_accepted(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    xml = visit_xml(visit_form, collect_style=False, door_photo=None)
    assert bob_phone.submit(xml).status_code == 201
    assert Submission.objects.get().data["meta"]["instanceName"] == "CY1-XF-1-101"


def test_the_message_is_in_the_workers_language(
    bob_phone: CollectClient, visit_form: FormVersion, world: World
) -> None:
    world.bob.language = "en"
    world.bob.save()
    response = bob_phone.submit(visit_xml(visit_form, door_photo=None))
    assert message(response) == "Submission received. Thank you!"


def test_a_split_upload_in_three_posts_is_incomplete_until_the_last(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    names = ("1.jpg", "2.jpg", "3.jpg")
    photos = {name: photo(color=(index * 60, 10, 10)) for index, name in enumerate(names)}
    xml = visit_xml(visit_form, door_photo="1.jpg", need_photos=("2.jpg", "3.jpg"))

    first = bob_phone.submit(xml, [Part("1.jpg", photos["1.jpg"])], incomplete=True)
    assert first.status_code == 201
    submission = Submission.objects.get()
    assert not submission.is_complete
    assert sorted(submission.attachments.filter(present=False).values_list("name", flat=True)) == [
        "2.jpg",
        "3.jpg",
    ]
    assert "2" in message(first)  # "still to come: 2 files"

    second = bob_phone.submit(xml, [Part("2.jpg", photos["2.jpg"])], incomplete=True)
    assert second.status_code == 201
    assert Submission.objects.get().attachments_present == 2

    last = bob_phone.submit(xml, [Part("3.jpg", photos["3.jpg"])])
    assert last.status_code == 201
    submission = Submission.objects.get()
    assert submission.is_complete and submission.attachments_present == 3
    for attachment in submission.attachments.all():
        assert stored_bytes(attachment) == photos[attachment.name]


def test_an_identical_resubmission_changes_nothing(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    xml = visit_xml(visit_form)
    door = photo()
    assert bob_phone.submit(xml, [Part("1763859601123.jpg", door)]).status_code == 201
    again = bob_phone.submit(xml, [Part("1763859601123.jpg", door)])
    assert again.status_code == 201
    assert message(again) == "这份提交已经收到过，无需再次发送。"
    assert Submission.objects.count() == 1
    assert Attachment.objects.count() == 1
    folder = Attachment.objects.get().file.name.rpartition("/")[0]
    assert len(media_storage().listdir(folder)[1]) == 1  # one file, not two


def test_different_xml_with_the_same_instance_id_is_a_conflict(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    instance_id = new_instance_id()
    original = visit_xml(visit_form, instance_id=instance_id, door_photo=None)
    assert bob_phone.submit(original).status_code == 201
    changed = visit_xml(visit_form, instance_id=instance_id, door_photo=None, note="别的内容")
    response = bob_phone.submit(changed)
    assert response.status_code == 409
    assert instance_id in message(response)
    assert bytes(Submission.objects.get().xml) == original


def test_an_edit_keeps_both_versions_and_makes_the_new_one_current(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    first_id, edit_id = new_instance_id(), new_instance_id()
    assert (
        bob_phone.submit(visit_xml(visit_form, instance_id=first_id, door_photo=None)).status_code
        == 201
    )
    edit = visit_xml(
        visit_form, instance_id=edit_id, deprecated_id=first_id, door_photo=None, note="已修好"
    )
    assert bob_phone.submit(edit).status_code == 201

    original = Submission.objects.get(instance_id=first_id)
    edited = Submission.objects.get(instance_id=edit_id)
    assert not original.is_current and edited.is_current
    assert edited.supersedes == original and original.superseded_by == edited
    assert edited.root_instance_id == first_id and edited.deprecated_id == first_id
    assert edited.data["needs"][0]["need_desc"] == "已修好"

    # Editing the old version again is refused; editing a submission never received too.
    again = visit_xml(visit_form, deprecated_id=first_id, door_photo=None)
    assert bob_phone.submit(again).status_code == 409
    orphan_edit = visit_xml(visit_form, deprecated_id=new_instance_id(), door_photo=None)
    assert bob_phone.submit(orphan_edit).status_code == 404
    assert Submission.objects.count() == 2


def test_non_ascii_and_hostile_file_names_never_become_paths(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    names = ['门牌 "三栋".jpg', "../../etc/passwd.jpg", "照" * 120 + ".jpg"]
    contents = {name: photo(color=(30 * index, 200, 10)) for index, name in enumerate(names)}
    xml = visit_xml(visit_form, door_photo=names[0], need_photos=tuple(names[1:]))
    response = bob_phone.submit(xml, [Part(name, contents[name]) for name in names])
    assert response.status_code == 201, message(response)
    submission = Submission.objects.get()
    assert submission.is_complete
    for attachment in submission.attachments.all():
        assert attachment.name in names  # the original name, kept as data
        key = attachment.file.name
        assert key.startswith("submissions/hh_visit/uuid_")
        assert ".." not in key.split("/") and "\x00" not in key and '"' not in key
        assert len(key.rpartition("/")[2].encode()) <= 120
        assert stored_bytes(attachment) == contents[attachment.name]


def test_a_fake_photo_refuses_the_whole_post_and_stores_nothing(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    xml = visit_xml(visit_form, door_photo="door.jpg", need_photos=("need.jpg",))
    parts = [Part("door.jpg", photo()), Part("need.jpg", b"<html>not a photo</html>")]
    response = bob_phone.submit(xml, parts)
    assert response.status_code == 400
    assert "need.jpg" in message(response)
    assert Submission.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_keys() == []


def test_a_fake_photo_in_a_later_part_leaves_the_submission_waiting_for_it(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    xml = visit_xml(visit_form, door_photo="door.jpg", need_photos=("need.jpg",))
    assert bob_phone.submit(xml, [Part("door.jpg", photo())], incomplete=True).status_code == 201
    assert bob_phone.submit(xml, [Part("need.jpg", b"GIF89a-not-really")]).status_code == 400
    submission = Submission.objects.get()
    assert not submission.is_complete
    assert submission.attachments.get(name="need.jpg").present is False


def test_a_photo_with_too_many_pixels_is_refused(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    from tests.submissions.test_images import png_bomb

    xml = visit_xml(visit_form, door_photo="bomb.png")
    response = bob_phone.submit(xml, [Part("bomb.png", png_bomb(20_000, 20_000), "image/png")])
    assert response.status_code == 413
    assert "bomb.png" in message(response)
    assert Submission.objects.count() == 0


def test_the_phone_is_recorded_with_its_last_submission(
    bob_phone: CollectClient, visit_form: FormVersion, world: World
) -> None:
    bob_phone.submit(visit_xml(visit_form, door_photo=None))
    device = CollectorDevice.objects.get(user=world.bob)
    assert device.device_id == "collect:Xk3pQ9wLm2Rt7vB1"
    assert device.user_agent == USER_AGENT
    assert device.last_submission_at is not None and device.last_form_list_at is None


def test_thumbnails_are_made_after_the_commit(
    bob_phone: CollectClient,
    visit_form: FormVersion,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = bob_phone.submit(
            visit_xml(visit_form), [Part("1763859601123.jpg", photo(1600, 1200))]
        )
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.thumbnail.name
    from PIL import Image

    with (
        media_storage().open(attachment.thumbnail.name, "rb") as handle,
        Image.open(handle) as image,
    ):
        assert image.size == (400, 300)
    assert Submission.objects.get().processed_at is not None


def test_a_token_url_submits_as_its_collector(
    client: Client, visit_form: FormVersion, world: World
) -> None:
    from server.accounts.collector_tokens import collector_token_issue

    phone = CollectClient(client, prefix=f"/key/{collector_token_issue(user=world.bob)}")
    assert phone.submit(visit_xml(visit_form, door_photo=None)).status_code == 201
    assert Submission.objects.get().submitted_by == world.bob


def test_a_large_photo_streams_to_disk_and_is_hashed_on_the_way(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    import io
    import os

    from PIL import Image

    noise = Image.frombytes("RGB", (1600, 1600), os.urandom(1600 * 1600 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="JPEG", quality=95)
    big = buffer.getvalue()
    assert len(big) > 2_621_440  # above FILE_UPLOAD_MAX_MEMORY_SIZE: a temporary file
    response = bob_phone.submit(visit_xml(visit_form), [Part("1763859601123.jpg", big)])
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.md5 == md5_hex(big) and attachment.size == len(big)
    assert stored_bytes(attachment) == big
