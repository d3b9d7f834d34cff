"""A partial-process dossier filed at an agency with a small schedule (two one-hour slots a day, two
counters), and a frozen clock on the Hà Nội wall clock."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from appointments.models import AgencySchedule
from tests.factories import AgencyFactory, ProcedureVersionFactory, filed_dossier, staff_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(year, month, day, hour=9, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


def freeze(monkeypatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))


def desk(counters=2, slot_minutes=60, hours=None):
    agency = AgencyFactory()
    AgencySchedule.objects.create(
        agency=agency,
        counters=counters,
        slot_minutes=slot_minutes,
        opening_hours=hours or {str(day): [["08:00", "10:00"]] for day in range(5)},
    )
    return agency


def partial_version(agency):
    return ProcedureVersionFactory(published=True, partial=True, agencies=[agency])


def partial_dossier(agency, version=None, applicant=None):
    return filed_dossier(version=version or partial_version(agency), applicant=applicant)


def clerk_of(agency):
    return staff_member(agency)
