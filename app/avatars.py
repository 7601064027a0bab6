"""Profile pictures: checking an upload, making its square sizes, and where the files live.

An upload is checked in the request by its content (Pillow: PNG, JPEG or WebP, at most
``AVATAR_MAX_BYTES``, at most ``AVATAR_MAX_PIXELS``, and decodable to the end), kept as it
came under ``<AVATAR_DIR>/incoming/``, and handed to the ``process_avatar`` job, which
re-encodes it as WebP in every size of ``AVATAR_SIZES`` (centre-cropped squares) under
``<AVATAR_DIR>/<user id>/<version>-<size>.webp`` and then makes that version the person's.
A version is a random name, so each picture has URLs of its own that can be cached forever.
The files are never served from a path a request names: only a user id, a version of the
form this module makes, and a size of ``AVATAR_SIZES``.
"""

import contextlib
import os
import re
import secrets
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import _, format_decimal
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from .jobs import launch_task
from .outbox import on_commit

# The name of the job (app/tasks.py) and of its task rows: one at a time per person.
PROCESS_TASK = "process_avatar"

# Formats Pillow must recognise in the bytes themselves, whatever the file is called.
ACCEPTED_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
# The square sizes made of every picture, in pixels; User.avatar picks the smallest that is large enough.
AVATAR_SIZES = (36, 48, 64, 128, 256)
VERSION_PATTERN = re.compile(r"[0-9a-f]{16}")
WEBP_QUALITY = 85


class AvatarRefused(ValueError):
    """An upload that is not a picture the site takes; ``str(error)`` says why, in the reader's language."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass
class CheckedPicture:
    format: str
    width: int
    height: int


def avatar_dir() -> Path:
    """Where pictures are kept: AVATAR_DIR, else ``avatars`` in the instance folder."""
    configured = current_app.config.get("AVATAR_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "avatars"


def megabytes(count: int) -> str:
    """A number of bytes in MB (2**20), for people: "5", "0.5", "0.02"."""
    return format_decimal(count / (1024 * 1024), format="#,##0.##")


def new_version() -> str:
    return secrets.token_hex(8)


def is_version(value: str) -> bool:
    return bool(VERSION_PATTERN.fullmatch(value))


def picture_path(user_id: int, version: str, size: int) -> Path:
    """The file of one size of one version of a person's picture."""
    if not is_version(version) or size not in AVATAR_SIZES:
        raise ValueError("not a picture this site makes")
    return user_folder(user_id) / f"{version}-{size}.webp"


def incoming_path(version: str) -> Path:
    """Where an upload waits for its job."""
    if not is_version(version):
        raise ValueError("not a picture this site makes")
    return avatar_dir() / "incoming" / f"{version}.upload"


def best_size(size: int) -> int:
    """The smallest size made that is at least ``size`` (the largest when none is)."""
    return next((made for made in AVATAR_SIZES if made >= size), AVATAR_SIZES[-1])


def open_picture(stream: IO[bytes]) -> Image.Image:
    """Open and fully decode a picture, or AvatarRefused saying what is wrong with it."""
    max_pixels = current_app.config["AVATAR_MAX_PIXELS"]
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; any picture over ours is refused anyway.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(stream)
            if image.format not in ACCEPTED_FORMATS:
                raise AvatarRefused(_l("Upload a PNG, JPEG or WebP picture."))
            if image.width * image.height > max_pixels:
                raise AvatarRefused(_l("The picture has too many pixels; at most %(megapixels)d million.",
                                       megapixels=max_pixels // 1_000_000))
            if image.width < 1 or image.height < 1:
                raise AvatarRefused(_l("The picture is empty."))
            if image.format == "JPEG":
                image.draft("RGB", (2 * AVATAR_SIZES[-1], 2 * AVATAR_SIZES[-1]))  # decode at a reduced scale
            image.load()
    except AvatarRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AvatarRefused(_l("The picture has too many pixels; at most %(megapixels)d million.",
                               megapixels=max_pixels // 1_000_000)) from None
    except UnidentifiedImageError:
        raise AvatarRefused(_l("This file is not a picture. Upload a PNG, JPEG or WebP picture.")) from None
    except (OSError, ValueError, SyntaxError, EOFError):  # truncated or corrupt data, as Pillow reports it
        raise AvatarRefused(_l("The picture is damaged or incomplete.")) from None
    return image


def check_upload(stream: IO[bytes]) -> CheckedPicture:
    """Check an uploaded file by its content: its size, its format, its pixels, that it decodes."""
    max_bytes = current_app.config["AVATAR_MAX_BYTES"]
    stream.seek(0, os.SEEK_END)
    length = stream.tell()
    stream.seek(0)
    if length == 0:
        raise AvatarRefused(_l("The file is empty."))
    if length > max_bytes:
        raise AvatarRefused(_l("The picture is larger than %(size)s MB.", size=megabytes(max_bytes)))
    image = open_picture(stream)
    stream.seek(0)
    return CheckedPicture(image.format, image.width, image.height)


class PictureBeingProcessed(Exception):
    """The person's previous upload is still being processed."""


def start_upload(user, stream: IO[bytes]):
    """Check an upload and start the job that makes it ``user``'s picture once committed; its task.

    Raises AvatarRefused for a file the site does not take and PictureBeingProcessed while
    the previous upload's job runs (the task's unique index decides between simultaneous ones).
    """
    from .models import TaskInProgress

    check_upload(stream)
    version = stage_upload(stream)
    try:
        task = launch_task(user, PROCESS_TASK, _("Processing your picture..."), version)
    except TaskInProgress:
        discard_upload(version)
        raise PictureBeingProcessed() from None
    return task


def is_processing(user) -> bool:
    return user.get_task_in_progress(PROCESS_TASK) is not None


def remove_picture(user) -> bool:
    """Go back to the default picture; its files are deleted after the commit. False when there was none.

    Raises PictureBeingProcessed while an upload is being processed (it would bring a picture back).
    """
    if is_processing(user):
        raise PictureBeingProcessed()
    if user.avatar_version is None:
        return False
    user.avatar_version = None
    on_commit(remove_pictures, str(user_folder(user.id)))
    return True


def use_picture(user, version: str) -> None:
    """Make a processed version ``user``'s picture; the earlier one's files go after the commit."""
    user.avatar_version = version
    on_commit(remove_pictures, str(user_folder(user.id)), version)


def stage_upload(stream: IO[bytes]) -> str:
    """Keep a checked upload for its job; the version its picture will have."""
    version = new_version()
    path = incoming_path(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    stream.seek(0)
    with open(path, "wb") as staged:
        shutil.copyfileobj(stream, staged)
    return version


def render_sizes(user_id: int, version: str) -> list[int]:
    """Make every size of a staged upload (square, centre-cropped, WebP); the sizes made."""
    with open(incoming_path(version), "rb") as staged:
        image = open_picture(staged)
    image = ImageOps.exif_transpose(image)  # a phone's portrait photo stands upright
    image = image.convert("RGBA" if has_transparency(image) else "RGB")
    user_folder(user_id).mkdir(parents=True, exist_ok=True)
    for size in AVATAR_SIZES:
        square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS, centering=(0.5, 0.5))
        target = picture_path(user_id, version, size)
        partial = target.with_suffix(".partial")
        square.save(partial, "WEBP", quality=WEBP_QUALITY, method=4)
        os.replace(partial, target)  # never a half-written file at a served path
    return list(AVATAR_SIZES)


def has_transparency(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def discard_upload(version: str) -> None:
    incoming_path(version).unlink(missing_ok=True)


def user_folder(user_id: int) -> Path:
    """The folder of one person's pictures."""
    return avatar_dir() / str(int(user_id))


def remove_pictures(folder: str, keep: str | None = None) -> None:
    """Delete the picture files in a person's ``folder``, all of them or all but version ``keep``."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if keep is None or not path.name.startswith(f"{keep}-"):
            path.unlink(missing_ok=True)
    if keep is None:
        with contextlib.suppress(OSError):  # a simultaneous upload may have put a file there again
            folder.rmdir()
