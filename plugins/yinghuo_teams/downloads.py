"""Files the plugin hands out (attachments, archive exports, certificates of honour): the
services say what the file is, the API and the pages send it the same way."""
from __future__ import annotations

import io
from typing import NamedTuple

from flask import send_file


class Download(NamedTuple):
    data: bytes
    mimetype: str
    filename: str


def send(download: Download):
    return send_file(io.BytesIO(download.data), mimetype=download.mimetype, download_name=download.filename)
