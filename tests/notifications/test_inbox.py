"""The in-portal inbox: one's own notices only, the unread count in the header, mark-as-read."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from tests.dossiers.staff_support import sign_in
from tests.factories import CitizenProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def notices(user, count: int, event="dossier_received") -> list[Notification]:
    rows = []
    for number in range(count):
        rows += notify(recipient=user, event=event, context={"link": f"/dossiers/{number + 1}/"})
    return [r for r in rows if r.channel == "portal"]


@pytest.fixture
def reader(client, citizen):
    client.force_login(citizen)
    client.cookies["portal_language"] = "en"
    return client


def test_the_header_shows_the_unread_count_with_one_query(reader, citizen, django_assert_max_num_queries):
    notices(citizen, 3)
    notices(CitizenProfileFactory().user, 2)  # someone else's
    page = reader.get(reverse("dossiers:mine")).content.decode()
    assert (
        '<span class="nav-notices-label">Notifications</span> '
        '<span class="nav-count" aria-hidden="true">3</span><span class="visually-hidden">3 unread</span></a>'
    ) in page

    from notifications.context_processors import inbox

    request = type("Request", (), {"user": citizen})()
    count = inbox(request)["unread_notices"]
    with django_assert_max_num_queries(1):
        assert count() == 3 and count() == 3  # computed once per request


def test_no_count_when_everything_is_read_and_no_link_when_signed_out(reader, citizen):
    notices(citizen, 1)
    reader.post(reverse("notifications:read_all"))
    page = reader.get(reverse("dossiers:mine")).content.decode()
    assert "data-notices" in page and "nav-count" not in page
    reader.logout()
    assert "data-notices" not in reader.get(reverse("home")).content.decode()


def test_the_inbox_lists_only_ones_own_notices_newest_first(reader, citizen, django_assert_max_num_queries):
    mine = notices(citizen, 25)
    other = notices(CitizenProfileFactory().user, 1)
    with django_assert_max_num_queries(8):
        response = reader.get(reverse("notifications:inbox"))
    listed = response.context["page"].object_list
    assert len(listed) == 20
    assert listed[0].pk == mine[-1].pk
    assert other[0].pk not in {n.pk for n in listed}
    assert response.content.decode().count('class="notice notice-unread"') == 20
    second = reader.get(reverse("notifications:inbox"), {"page": 2}).context["page"].object_list
    assert len(second) == 5


def test_query_count_does_not_grow_with_the_number_of_notices(reader, citizen, django_assert_max_num_queries):
    notices(citizen, 2)
    with django_assert_max_num_queries(8) as few:
        reader.get(reverse("notifications:inbox"))
    notices(citizen, 18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        reader.get(reverse("notifications:inbox"))


def test_mark_one_and_mark_all_as_read(reader, citizen):
    first, *_others = notices(citizen, 3)
    response = reader.post(reverse("notifications:read", args=[first.pk]), {"page": "1"})
    assert response.status_code == 302 and response.url == "/notifications/?page=1"
    assert Notification.objects.unread_by(citizen).count() == 2
    reader.post(reverse("notifications:read_all"))
    assert Notification.objects.unread_by(citizen).count() == 0


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(reader, citizen):
    (notice,) = notices(citizen, 1)
    response = reader.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response.url == "/dossiers/1/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_an_outside_link_is_never_followed(reader, citizen):
    (notice,) = notices(citizen, 1)
    Notification.objects.filter(pk=notice.pk).update(link="https://evil.example/phish")
    response = reader.post(reverse("notifications:open", args=[notice.pk]))
    assert response.url == reverse("notifications:inbox")


def test_nobody_reads_or_marks_someone_elses_notice(reader, citizen):
    (theirs,) = notices(CitizenProfileFactory().user, 1)
    assert reader.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert reader.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    reader.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_needs_sign_in_and_marking_needs_post(client, reader, citizen):
    (notice,) = notices(citizen, 1)
    assert reader.get(reverse("notifications:read", args=[notice.pk])).status_code == 405
    client.logout()
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "login" in response.url


def test_staff_have_an_inbox_too(client):
    clerk = UserFactory(clerk=True)
    notify(recipient=clerk, event="staff_reminder", context={"due_soon_count": 1, "overdue_count": 0})
    sign_in(client, clerk)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Nhắc việc: 1 hồ sơ sắp đến hạn, 0 hồ sơ quá hạn" in page  # written in the clerk's language


def test_each_notice_is_two_short_lines_with_the_dossier_code_once_and_a_plain_link(reader, citizen):
    """Issue 12: notices were cards with a red full-width button and the dossier code three times."""
    from tests.factories import filed_dossier

    dossier = filed_dossier(applicant=citizen)  # "submitted", with the dossier's code
    older, _newer = notices(citizen, 2)
    reader.post(reverse("notifications:read", args=[older.pk]))
    page = reader.get(reverse("notifications:inbox")).content.decode()

    listed = page.split('<ul class="notice-list">', 1)[1].split("</ul>", 1)[0]
    items = listed.split("<li ")[1:]
    assert len(items) == 3
    submitted = next(item for item in items if dossier.code in item)
    folded = re.sub(r'<p class="notice-body">.*?</p>', "", submitted, flags=re.S)  # the text, unfolded
    assert folded.count(dossier.code) == 1  # not in the title nor in a button again: once, as the link
    assert "Dossier submitted</summary>" in submitted  # what happened, in a line of its own
    assert '<details class="notice-details">' in submitted  # the full text unfolds from it
    assert 'class="button' not in listed  # links, not buttons
    assert f'<span class="dossier-code">{dossier.code}</span></button>' in submitted
    unread = [item for item in items if item.startswith('class="notice notice-unread"')]
    assert len(unread) == 2 and all('<span class="visually-hidden">New: </span>' in item for item in unread)
    read = next(item for item in items if f'data-notice="{older.pk}"' in item)
    assert "notice-unread" not in read and "Mark as read" not in read


def test_the_header_count_is_kept_until_a_notice_or_a_reading_commits(
    reader, citizen, django_capture_on_commit_callbacks
):
    def header_count(page: str) -> str:
        found = re.search(r'<span class="nav-count" aria-hidden="true">(\d+)</span>', page)
        return found.group(1) if found else ""

    with django_capture_on_commit_callbacks(execute=True):
        notices(citizen, 2)
    assert header_count(reader.get(reverse("dossiers:mine")).content.decode()) == "2"
    with CaptureQueriesContext(connection) as again:
        reader.get(reverse("dossiers:mine"))
    assert not [q for q in again if '"notifications_notification"' in q["sql"]]  # kept

    with django_capture_on_commit_callbacks(execute=True):
        notices(citizen, 1)
    assert header_count(reader.get(reverse("dossiers:mine")).content.decode()) == "3"

    with django_capture_on_commit_callbacks(execute=True):
        reader.post(reverse("notifications:read_all"))
    assert header_count(reader.get(reverse("dossiers:mine")).content.decode()) == ""
