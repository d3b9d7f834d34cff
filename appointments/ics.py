"""The appointment as an iCalendar file (RFC 5545): one VEVENT in Asia/Ho_Chi_Minh with its VTIMEZONE
(Việt Nam keeps +07:00 all year), CRLF line ends, lines folded at 75 octets, text escaped."""

import datetime

from common import clock
from common.links import site_hostname

from .models import Appointment, Status
from .services import local_zone

VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Ho_Chi_Minh",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700",
    "TZNAME:ICT",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces, continuation lines starting with a space, never inside a
    UTF-8 character."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = 75 if not pieces else 74
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _local(moment) -> str:
    return moment.astimezone(local_zone()).strftime("%Y%m%dT%H%M%S")


def calendar_file(appointment: Appointment) -> bytes:
    dossier, agency = appointment.dossier, appointment.agency
    summary = f"Lịch hẹn {agency.name} — hồ sơ {dossier.code or ''}".strip()
    description = (
        f"{appointment.get_purpose_display()}. Quầy số {appointment.counter}. "
        f"Mã hồ sơ: {dossier.code or ''}. Thủ tục: {dossier.procedure_version.name}."
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Cong dich vu cong//Lich hen//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:appointment-{appointment.pk}@{site_hostname()}",
        f"DTSTAMP:{clock.now().astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID=Asia/Ho_Chi_Minh:{_local(appointment.starts_at)}",
        f"DTEND;TZID=Asia/Ho_Chi_Minh:{_local(appointment.ends_at)}",
        f"SEQUENCE:{appointment.sequence}",
        f"STATUS:{'CANCELLED' if appointment.status == Status.CANCELLED else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"LOCATION:{escape_text(agency.name)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode()


def filename(appointment: Appointment) -> str:
    return f"lich-hen-{appointment.dossier.code or appointment.pk}.ics"
