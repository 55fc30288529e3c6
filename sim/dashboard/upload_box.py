"""An upload box: click to choose a file, or drop one on it (Solara's FileDrop only takes
drops, which a planner may not know to try). The file arrives as base64 text."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from pathlib import Path

import solara


@solara.component_vue(str(Path(__file__).with_name("upload_box.vue")))
def _UploadBox(label: str, accept: str, event_upload: Callable[[dict], None]) -> None:
    pass


@solara.component
def UploadBox(label: str, accept: str, on_file: Callable[[str, bytes], None]) -> None:
    """Calls ``on_file(name, data)`` with each file the planner gives."""

    def upload(message: dict) -> None:
        try:
            data = base64.b64decode(str(message.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        on_file(str(message.get("name", "upload"))[:200], data)

    _UploadBox(label=label, accept=accept, event_upload=upload)
