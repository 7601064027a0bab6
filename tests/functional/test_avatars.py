"""Profile pictures: uploading on /edit_profile, the sizes the job makes, serving them, removing
them, bad files, other people, CSRF, and the API's PUT and DELETE /api/users/<id>/avatar."""

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app import avatars
from app.extensions import db
from app.jobs import get_queue, launch_task
from app.models import Task, User
from tests.integration.task_jobs import RELEASE

SIZES = [36, 48, 64, 128, 256]


@pytest.fixture
def picture_dir(app, tmp_path) -> Path:
    folder = tmp_path / "avatars"
    app.config["AVATAR_DIR"] = str(folder)
    return folder


def picture(size=(300, 200), mode="RGB", color=(200, 30, 30), format="PNG", **options) -> bytes:
    data = io.BytesIO()
    Image.new(mode, size, color).save(data, format, **options)
    return data.getvalue()


def three_stripes(width=300, height=100) -> bytes:
    """Red, green and blue thirds side by side: a centred square crop is all green."""
    image = Image.new("RGB", (width, height), (0, 200, 0))
    image.paste((220, 0, 0), (0, 0, width // 3, height))
    image.paste((0, 0, 220), (2 * width // 3, 0, width, height))
    data = io.BytesIO()
    image.save(data, "PNG")
    return data.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with almost no data (a decompression bomb's shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + \
        chunk(b"IEND", b"")


def multipart(fields: dict) -> dict:
    """A multipart body built in memory (the test client would spool a large one to a file it never closes)."""
    boundary, body = encode_multipart(MultiDict([
        (name, FileStorage(io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value)
        for name, value in fields.items()
    ]))
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(client, content: bytes, filename: str = "me.png", **extra):
    fields = {"picture": (content, filename), "csrf_token": client.csrf_token(), **extra}
    return client.post("/edit_profile/avatar", **multipart(fields))


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def files_in(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()) \
        if folder.exists() else []


def test_an_upload_is_made_square_in_every_size_and_shown(client, john, picture_dir):
    response = upload(client, picture((300, 200)))
    assert response.status_code == 302 and response.headers["Location"] == "/edit_profile"
    get_queue().join()

    version = fresh(john).avatar_version
    assert version and re.fullmatch(r"[0-9a-f]{16}", version)
    assert files_in(picture_dir) == sorted(f"{john.id}/{version}-{size}.webp" for size in SIZES)
    for size in SIZES:
        with Image.open(picture_dir / str(john.id) / f"{version}-{size}.webp") as made:
            assert (made.format, made.size) == ("WEBP", (size, size))
    task = db.session.scalar(sa.select(Task).where(Task.name == "process_avatar"))
    assert (task.complete, task.failed, task.get_result()) == (True, False, {"version": version, "sizes": SIZES})

    profile = client.get(f"/user/{john.username}").get_data(as_text=True)
    assert f'src="/avatar/{john.id}/{version}/128.webp"' in profile
    page = client.get("/edit_profile").get_data(as_text=True)
    assert "This is the picture you uploaded." in page and "Remove picture" in page


def test_pictures_are_centre_cropped(client, john, picture_dir):
    upload(client, three_stripes())
    get_queue().join()
    version = fresh(john).avatar_version
    with Image.open(picture_dir / str(john.id) / f"{version}-64.webp") as made:
        made = made.convert("RGB")
        for point in [(0, 0), (63, 0), (32, 32), (0, 63), (63, 63)]:
            red, green, blue = made.getpixel(point)
            assert green > 150 and red < 60 and blue < 60, (point, made.getpixel(point))


@pytest.mark.parametrize(("content", "filename"), [
    pytest.param(picture(format="JPEG"), "photo.jpg", id="jpeg"),
    pytest.param(picture(format="WEBP"), "photo.webp", id="webp"),
    pytest.param(picture(mode="RGBA", color=(0, 0, 0, 0)), "clear.png", id="transparent"),
    pytest.param(picture(mode="P", color=3), "palette.png", id="palette"),
    pytest.param(picture(format="PNG"), "named-wrongly.gif", id="misnamed"),  # the content decides, not the name
])
def test_every_accepted_kind_is_made_into_webp(client, john, picture_dir, content, filename):
    assert upload(client, content, filename).status_code == 302
    get_queue().join()
    version = fresh(john).avatar_version
    with Image.open(picture_dir / str(john.id) / f"{version}-256.webp") as made:
        assert made.size == (256, 256)


def test_the_picture_is_served_with_cache_headers_and_an_etag(app, client, john, picture_dir):
    upload(client, picture())
    get_queue().join()
    with app.test_request_context():
        url = fresh(john).avatar(120)
    assert url == f"/avatar/{john.id}/{fresh(john).avatar_version}/128.webp"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/webp"
    cache = response.headers["Cache-Control"]
    assert "public" in cache and "immutable" in cache and "max-age=31536000" in cache
    assert Image.open(io.BytesIO(response.data)).size == (128, 128)
    response.close()
    etag = response.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    again.close()
    client.post("/auth/logout")
    anonymous = client.get(url)
    assert anonymous.status_code == 200  # profiles are public, so are their pictures
    anonymous.close()


@pytest.mark.parametrize("url", ["/avatar/{id}/{version}/100.webp", "/avatar/{id}/../../etc/128.webp",
                                 "/avatar/{id}/0123456789abcdef/128.webp", "/avatar/{id}/{version}/128.png",
                                 "/avatar/{other}/{version}/128.webp", "/avatar/{id}/{version}x/128.webp"])
def test_only_pictures_that_exist_are_served(client, john, make_user, picture_dir, url):
    upload(client, picture())
    get_queue().join()
    other = make_user("susan")
    url = url.format(id=john.id, version=fresh(john).avatar_version, other=other.id)
    assert client.get(url).status_code == 404


def test_a_new_picture_replaces_the_old_one_and_its_files(client, john, picture_dir):
    upload(client, picture(color=(10, 10, 200)))
    get_queue().join()
    first = fresh(john).avatar_version
    upload(client, picture(color=(10, 200, 10)))
    get_queue().join()
    second = fresh(john).avatar_version
    assert second != first
    assert files_in(picture_dir) == sorted(f"{john.id}/{second}-{size}.webp" for size in SIZES)
    assert client.get(f"/avatar/{john.id}/{first}/128.webp").status_code == 404


def test_removing_the_picture_brings_back_the_identicon(app, client, john, picture_dir):
    upload(client, picture())
    get_queue().join()
    old_url = f"/avatar/{john.id}/{fresh(john).avatar_version}/128.webp"
    response = client.post("/edit_profile/avatar/remove")
    assert response.status_code == 302
    user = fresh(john)
    assert user.avatar_version is None
    with app.test_request_context():
        assert user.avatar(128) == f"/avatar/{john.id}?s=128"
    assert files_in(picture_dir) == []
    assert client.get(old_url).status_code == 404
    assert client.get(f"/avatar/{john.id}?s=128").mimetype == "image/svg+xml"
    page = client.get("/edit_profile").get_data(as_text=True)
    assert "Remove picture" not in page and "until you upload one" in page
    assert client.post("/edit_profile/avatar/remove").status_code == 302  # nothing to remove is fine


def test_removing_needs_the_csrf_token(client, john, picture_dir):
    upload(client, picture())
    get_queue().join()
    version = fresh(john).avatar_version
    assert client.post("/edit_profile/avatar/remove", csrf=False).status_code == 400
    assert fresh(john).avatar_version == version


def test_uploading_needs_the_csrf_token(client, john, picture_dir):
    response = client.post("/edit_profile/avatar", csrf=False, **multipart({"picture": (picture(), "me.png")}))
    assert response.status_code == 400
    get_queue().join()
    assert fresh(john).avatar_version is None and files_in(picture_dir) == []


def test_only_the_signed_in_person_changes_their_picture(client, make_user, auth, picture_dir):
    john, mary = make_user("john"), make_user("mary")
    auth.login("mary")
    upload(client, picture())
    get_queue().join()
    assert fresh(mary).avatar_version is not None and fresh(john).avatar_version is None
    auth.logout()
    anonymous = upload(client, picture())
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    assert client.post("/edit_profile/avatar/remove").status_code == 302
    assert fresh(mary).avatar_version is not None


BAD_FILES = [
    (b"just some text, not a picture", "notes.png", "This file is not a picture."),
    (b"", "empty.png", "The file is empty."),
    (picture(format="GIF"), "moving.gif", "Upload a PNG, JPEG or WebP picture."),
    (picture(format="BMP"), "old.bmp", "Upload a PNG, JPEG or WebP picture."),
    (picture(format="PNG")[:-60], "cut.png", "The picture is damaged or incomplete."),
    (picture((400, 400), format="JPEG")[:300], "cut.jpg", "The picture is damaged or incomplete."),
    (png_claiming(8000, 8000), "bomb.png", "The picture has too many pixels"),
    (png_claiming(40000, 40000), "huge-bomb.png", "The picture has too many pixels"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "drawing.svg", "This file is not a picture."),
]


@pytest.mark.parametrize(("content", "filename", "error"), BAD_FILES, ids=[name for _, name, _ in BAD_FILES])
def test_bad_files_are_a_clear_form_error_and_nothing_is_kept(client, john, picture_dir, content, filename, error):
    response = upload(client, content, filename)
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    get_queue().join()
    assert fresh(john).avatar_version is None
    assert files_in(picture_dir) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0


def test_no_file_is_a_form_error(client, john, picture_dir):
    response = client.post("/edit_profile/avatar", **multipart({"csrf_token": client.csrf_token()}))
    assert response.status_code == 400 and "Choose a picture to upload." in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_a_form_error_and_a_much_larger_body_a_413(app, client, john, picture_dir):
    app.config["AVATAR_MAX_BYTES"] = 100_000
    noise = Image.frombytes("RGB", (200, 200), bytes(range(256)) * 468 + bytes(range(192)))
    data = io.BytesIO()
    noise.save(data, "PNG", compress_level=0)
    assert 100_000 < len(data.getvalue()) < 100_000 + 64 * 1024
    response = upload(client, data.getvalue())
    assert response.status_code == 400
    assert "The picture is larger than 0.1 MB." in response.get_data(as_text=True)
    huge = upload(client, b"\x89PNG" + b"\x00" * 300_000)
    assert huge.status_code == 413
    assert fresh(john).avatar_version is None and files_in(picture_dir) == []


def test_the_default_limit_takes_a_picture_of_almost_five_megabytes(client, john, picture_dir):
    noise = Image.effect_noise((1300, 1300), 80).convert("RGB")
    data = io.BytesIO()
    noise.save(data, "PNG", compress_level=0)
    assert 4_500_000 < len(data.getvalue()) < 5 * 1024 * 1024
    assert upload(client, data.getvalue()).status_code == 302
    get_queue().join()
    assert fresh(john).avatar_version is not None


def test_the_other_pages_keep_their_small_body_limit(client, john):
    response = client.post("/edit_profile", data={"username": "john", "about_me": "x" * 100_000})
    assert response.status_code == 413


def test_an_upload_while_the_last_one_is_processed_is_refused(app, client, john, picture_dir):
    RELEASE.clear()  # the job holds until the test releases it
    launch_task(john, "process_avatar", "Processing", function="tests.integration.task_jobs.hold")
    db.session.commit()
    try:
        response = upload(client, picture())
        assert response.status_code == 400
        assert "still being processed" in response.get_data(as_text=True)
        assert "is being processed" in client.get("/edit_profile").get_data(as_text=True)
        removal = client.post("/edit_profile/avatar/remove", follow_redirects=True)
        assert "still being processed" in removal.get_data(as_text=True)
        assert list((picture_dir / "incoming").glob("*")) == []
    finally:
        RELEASE.set()
        get_queue().join()
        RELEASE.clear()


def test_the_job_fails_clearly_when_the_staged_file_is_unreadable(app, client, john, picture_dir):
    version = avatars.new_version()
    staged = avatars.incoming_path(version)
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"not a picture at all")
    launch_task(john, "process_avatar", "Processing", version)
    db.session.commit()
    get_queue().join()
    task = db.session.scalar(sa.select(Task).where(Task.name == "process_avatar"))
    db.session.refresh(task)
    assert (task.complete, task.failed) == (True, True)
    assert task.error == "This file is not a picture. Upload a PNG, JPEG or WebP picture."
    assert fresh(john).avatar_version is None and not staged.exists()


# -- the API ------------------------------------------------------------------------------


def put_avatar(client, user_id: int, headers: dict, content: bytes = b"", filename: str = "me.png"):
    return client.put(f"/api/users/{user_id}/avatar", headers=headers, **multipart({"file": (content, filename)}))


def test_the_api_uploads_and_the_user_json_links_to_the_picture(client, make_user, bearer, picture_dir):
    john = make_user("john")
    headers = bearer(john)
    response = put_avatar(client, john.id, headers, picture(format="JPEG"))
    assert response.status_code == 202, response.json
    assert response.json["name"] == "process_avatar"
    assert response.headers["Location"] == f"/api/tasks/{response.json['id']}"
    get_queue().join()
    task = client.get(response.headers["Location"], headers=headers).json
    version = fresh(john).avatar_version
    assert task["complete"] and not task["failed"] and task["result"] == {"version": version, "sizes": SIZES}
    me = client.get(f"/api/users/{john.id}", headers=headers).json
    assert me["_links"]["avatar"] == f"/avatar/{john.id}/{version}/128.webp"
    served = client.get(me["_links"]["avatar"])
    assert served.status_code == 200
    served.close()

    assert client.delete(f"/api/users/{john.id}/avatar", headers=headers).status_code == 204
    me = client.get(f"/api/users/{john.id}", headers=headers).json
    assert me["_links"]["avatar"] == f"/avatar/{john.id}?s=128"
    assert files_in(picture_dir) == []


def test_the_api_refuses_bad_files_other_people_and_wrong_bodies(client, make_user, bearer, picture_dir):
    john, mary = make_user("john"), make_user("mary")
    headers = bearer(john)
    for content, filename, error in BAD_FILES:
        response = put_avatar(client, john.id, headers, content, filename)
        assert response.status_code == 400 and response.json["code"] == 400, filename
        assert error in response.json["errors"]["file"][0], filename
    missing = client.put(f"/api/users/{john.id}/avatar", headers=headers, **multipart({"other": "x"}))
    assert missing.status_code == 400 and "file" in missing.json["errors"]
    as_json = client.put(f"/api/users/{john.id}/avatar", headers=headers, json={"file": "x"})
    assert as_json.status_code == 415
    assert put_avatar(client, mary.id, headers, picture()).status_code == 403
    assert client.delete(f"/api/users/{mary.id}/avatar", headers=headers).status_code == 403
    assert put_avatar(client, 99999, headers, picture()).status_code == 404
    assert put_avatar(client, john.id, {}, picture()).status_code == 401
    get_queue().join()
    assert fresh(john).avatar_version is None and fresh(mary).avatar_version is None
    assert files_in(picture_dir) == []


def test_the_api_answers_409_while_a_picture_is_processed(client, make_user, bearer, picture_dir):
    john = make_user("john")
    RELEASE.clear()  # the job holds until the test releases it
    launch_task(john, "process_avatar", "Processing", function="tests.integration.task_jobs.hold")
    db.session.commit()
    try:
        assert put_avatar(client, john.id, bearer(john), picture()).status_code == 409
        assert client.delete(f"/api/users/{john.id}/avatar", headers=bearer(john)).status_code == 409
    finally:
        RELEASE.set()
        get_queue().join()
        RELEASE.clear()
