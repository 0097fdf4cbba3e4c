"""Files on Cloudinary when CLOUDINARY_URL is set (PDF reports and other private files).

The cloudinary package has no Django storage of its own, so this is a small one over its
upload and admin APIs. Files are uploaded as "raw" resources of type "private": Cloudinary
serves them only through signed download links, so a PDF is never public; our views check
ownership and stream the bytes (`open()`), and `url()` gives a short-lived signed link.
"""

from __future__ import annotations

import urllib.request

import cloudinary
import cloudinary.api
import cloudinary.uploader
import cloudinary.utils
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

RESOURCE = {"resource_type": "raw", "type": "private"}


@deconstructible
class CloudinaryStorage(Storage):
    def __init__(self, *, timeout: float = 30):
        self.timeout = timeout

    def _save(self, name: str, content) -> str:
        content.seek(0)
        result = cloudinary.uploader.upload(
            content, public_id=name, overwrite=True, invalidate=True, timeout=self.timeout,
            **RESOURCE,
        )  # fmt: skip
        return result["public_id"]

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        # Names are chosen by our code (e.g. reports/<scan>-<lang>.pdf): replacing is intended.
        return name

    def _download_url(self, name: str) -> str:
        return cloudinary.utils.private_download_url(name, "", **RESOURCE)

    def _open(self, name: str, mode: str = "rb") -> ContentFile:
        with urllib.request.urlopen(self._download_url(name), timeout=self.timeout) as response:
            return ContentFile(response.read(), name=name)

    def delete(self, name: str) -> None:
        cloudinary.uploader.destroy(name, invalidate=True, timeout=self.timeout, **RESOURCE)

    def exists(self, name: str) -> bool:
        try:
            cloudinary.api.resource(name, **RESOURCE)
        except cloudinary.exceptions.NotFound:
            return False
        return True

    def size(self, name: str) -> int:
        return int(cloudinary.api.resource(name, **RESOURCE)["bytes"])

    def url(self, name: str) -> str:
        return self._download_url(name)
