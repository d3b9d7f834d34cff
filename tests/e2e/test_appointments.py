"""Appointments in a browser: the applicant of a partial-process dossier books a time at the desk from the
dossier page (a day, then a time; no script needed), moves it; the desk's clerk opens the day list from the
dashboard and marks the person attended. Today is made a working day with long hours, so the appointment
can be marked at once, and the portal's clock is set to ten in the morning of today (the live server runs in
this process): late in the evening the day had no second and third time left to book (failed in CI at 23:15
local). axe-core checks every page (conftest). Screenshots: /tmp/shots/h10/."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from appointments.models import AgencySchedule, Appointment, Status
from common import clock
from dossiers.models import CalendarException
from tests.accounts.factories_extra import TOTPAuthenticatorFactory, verified_user
from tests.e2e.support import PHONE, shoot, sign_in
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    filed_dossier,
)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots/h10")


def test_the_applicant_books_and_moves_and_the_clerk_marks_attended(page, base, monkeypatch):
    page.set_viewport_size(PHONE)
    today = timezone.localdate()
    morning = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10)))
    shift, real_now = morning - timezone.now(), clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + shift)
    CalendarException.objects.update_or_create(date=today, defaults={"is_working_day": True})
    agency = AgencyFactory(name="Trung tâm Phục vụ hành chính công tỉnh")
    AgencySchedule.objects.create(
        agency=agency,
        slot_minutes=15,
        counters=2,
        change_until_hours=0,
        opening_hours={str(day): [["00:00", "23:59"]] for day in range(7)},
    )
    applicant = verified_user(full_name="Trần Thị Mai")
    CitizenProfileFactory(user=applicant, full_name=applicant.full_name)
    version = ProcedureVersionFactory(published=True, partial=True, agencies=[agency])
    dossier = filed_dossier(version=version, applicant=applicant)
    clerk = verified_user(role=Role.CLERK, full_name="Lê Văn Quầy")
    AgencyMembershipFactory(user=clerk, agency=agency)
    totp = TOTPAuthenticatorFactory(user=clerk)

    sign_in(page, base, applicant)
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    card = page.locator("#appointment")
    expect(card.get_by_role("heading", name="Đặt lịch hẹn")).to_be_visible()
    shoot(page, SHOTS, "1-dossier-page")
    card.get_by_role("link", name="Đặt lịch hẹn").click()
    expect(page.locator("h1")).to_have_text("Đặt lịch hẹn")
    page.locator(".day-list a").first.click()
    expect(page.locator(".slot-list button").first).to_be_visible()
    shoot(page, SHOTS, "2-choose-time")
    # Not the first time of the day: it may start within the minute, and by the time the applicant moves
    # it, it has begun and can no longer be changed (seen in CI at 18:29:55).
    page.locator(".slot-list button").nth(1).click()
    expect(page.locator(".messages")).to_contain_text("đặt lịch hẹn thành công")
    first_time = Appointment.objects.get().starts_at
    expect(card.locator(".appointment-when")).to_contain_text(
        timezone.localtime(first_time).strftime("%H:%M")
    )
    shoot(page, SHOTS, "3-booked")

    card.get_by_role("link", name="Đổi lịch hẹn").click()
    expect(page.locator("h1")).to_have_text("Đổi lịch hẹn")
    page.locator(".day-list a").first.click()
    page.locator(".slot-list button").nth(2).click()
    expect(page.locator(".messages")).to_contain_text("đã được đổi")
    appointment = Appointment.objects.get()
    assert appointment.starts_at != first_time and appointment.status == Status.BOOKED
    calendar = page.request.get(f"{base}/appointments/{appointment.pk}/lich-hen.ics")
    assert calendar.headers["content-type"].startswith("text/calendar") and b"BEGIN:VEVENT" in calendar.body()
    page.context.clear_cookies()

    sign_in(page, base, clerk, totp)
    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="Lịch hẹn trong ngày").first.click()
    expect(page.locator("h1")).to_have_text("Lịch hẹn trong ngày")
    row = page.locator(f"#appointment-{appointment.pk}")
    expect(row).to_contain_text(dossier.code)
    expect(row).to_contain_text("Trần Thị Mai")
    shoot(page, SHOTS, "4-day-list")
    row.get_by_role("button", name="Có mặt").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận")
    expect(row.locator(".appointment-status")).to_have_text("Có mặt")
    shoot(page, SHOTS, "5-marked")
    appointment.refresh_from_db()
    assert appointment.status == Status.ATTENDED and appointment.marked_by == clerk
