from .base import SMSBackend, international

# Like django.core.mail.outbox: what the tests sent.
outbox: list[dict] = []


class MemorySMSBackend(SMSBackend):
    def send(self, *, to: str, text: str, reference: str) -> str:
        outbox.append({"to": international(to), "text": text, "reference": reference})
        return f"mem-{reference}"
