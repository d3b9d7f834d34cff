import json
from pathlib import Path

from django.conf import settings

from common import clock

from .base import SMSBackend, international


class FileSMSBackend(SMSBackend):
    """The embedded default: each SMS becomes one JSON line in SMS_FILE_PATH (like Django's file email
    backend), so a developer can see what would have been sent."""

    def send(self, *, to: str, text: str, reference: str) -> str:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "at": clock.now().isoformat(),
            "to": international(to),
            "from": settings.SMS_SENDER_NAME,
            "text": text,
            "reference": reference,
        }
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        return f"file-{reference}"
