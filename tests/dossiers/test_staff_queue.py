import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers import selectors, services
from dossiers.models import Dossier, State
from dossiers.selectors import QueueView
from tests.dossiers.staff_support import Clock, dossier_in, file_online, sign_in, vn, world
from tests.factories import CitizenProfileFactory, staff_member

pytestmark = pytest.mark.django_db


def queue_url(agency, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("staff:queue", args=[agency.code]) + (f"?{query}" if query else "")


def codes_on(response) -> list[str]:
    """The codes the page lists, in order (read from the HTML: a page kept in the cache has no context)."""
    return re.findall(r'<a class="dossier-code" href="[^"]*">([^<]+)</a>', response.content.decode())


def test_a_clerk_sees_only_the_dossiers_of_the_agencies_they_work_for(client):
    mine, other = world(), world()
    ours = file_online(mine)
    theirs = file_online(other)
    sign_in(client, mine.desk.clerk)

    response = client.get(queue_url(mine.desk.agency, view="all"))

    assert response.status_code == 200
    assert codes_on(response) == [ours.code]
    assert theirs.code not in response.content.decode()


def test_another_agencys_queue_does_not_exist_for_a_clerk(client):
    mine, other = world(), world()
    sign_in(client, mine.desk.clerk)
    assert client.get(queue_url(other.desk.agency)).status_code == 404
    assert client.get(reverse("staff:queue", args=["000.00.99.H99"])).status_code == 404
    assert client.get(reverse("staff:register", args=[other.desk.agency.code])).status_code == 404


def test_citizens_may_not_open_the_back_office(client):
    w = world()
    citizen = CitizenProfileFactory().user
    client.force_login(citizen)
    assert client.get(reverse("staff:home")).status_code == 403
    assert client.get(queue_url(w.desk.agency)).status_code == 403


def test_the_home_page_lists_my_agencies_with_their_counts(client):
    w = world()
    file_online(w)
    dossier_in(w, State.RECEIVED)
    sign_in(client, w.desk.clerk)

    response = client.get(reverse("staff:home"))

    [(membership, tabs)] = response.context["rows"]
    assert membership.agency == w.desk.agency
    counts = {key: count for key, _label, count in tabs}
    assert counts[QueueView.NEW] == 1 and counts[QueueView.IN_PROGRESS] == 1 and counts[QueueView.ALL] is None
    assert reverse("staff:queue", args=[w.desk.agency.code]) in response.content.decode()


def test_the_work_queue_link_is_in_the_menu_for_staff_only(client):
    w = world()
    sign_in(client, w.desk.clerk)
    assert reverse("staff:home") in client.get(reverse("dashboard")).content.decode()
    client.force_login(CitizenProfileFactory().user)
    assert reverse("staff:home") not in client.get(reverse("dashboard")).content.decode()


@pytest.fixture
def friday(monkeypatch):
    """Friday 13 March 2026, 10:00: two working days later is Tuesday 17 March (the weekend skipped)."""
    return Clock(monkeypatch, vn(2026, 3, 13, 10, 0))


def due_on(dossier, day: datetime.date) -> Dossier:
    Dossier.objects.filter(pk=dossier.pk).update(due_date=day)
    return Dossier.objects.get(pk=dossier.pk)


def test_the_tabs_filter_the_queue(client, friday):
    w = world()
    new = file_online(w)
    due_tuesday = due_on(dossier_in(w, State.IN_PROGRESS), datetime.date(2026, 3, 17))
    due_wednesday = due_on(dossier_in(w, State.IN_PROGRESS), datetime.date(2026, 3, 18))
    overdue = due_on(dossier_in(w, State.RECEIVED), datetime.date(2026, 3, 12))
    waiting = dossier_in(w, State.SUPPLEMENT_REQUESTED)
    proposed = dossier_in(w, State.IN_PROGRESS)
    services.request_supplement(
        dossier=proposed, by=w.handler.officer, items=[], details="Bản gốc", reason="Cần đối chiếu"
    )
    returned = dossier_in(w, State.RETURNED)
    sign_in(client, w.desk.clerk)

    pages = {}

    def tab(view, agency=w.desk.agency):
        pages[view] = client.get(queue_url(agency, view=view))
        return set(codes_on(pages[view]))

    assert tab(QueueView.NEW) == {new.code}
    # Due within 2 working days across the weekend: Tuesday yes, Wednesday no.
    assert tab(QueueView.DUE_SOON) == {due_tuesday.code}
    assert tab(QueueView.OVERDUE) == {overdue.code}
    assert tab(QueueView.SUPPLEMENT) == {waiting.code, proposed.code}
    assert tab(QueueView.IN_PROGRESS) == {due_tuesday.code, due_wednesday.code, overdue.code, proposed.code}
    history = tab(QueueView.ALL)
    assert len(history) == 7 and returned.code in history

    response = pages[QueueView.ALL]
    counts = {key: count for key, _label, count in response.context["tabs"]}
    assert counts == {
        QueueView.NEW: 1,
        QueueView.MINE: 0,
        QueueView.DUE_SOON: 1,
        QueueView.OVERDUE: 1,
        QueueView.SUPPLEMENT: 2,
        QueueView.IN_PROGRESS: 4,
        QueueView.ALL: None,  # the whole history is listed, never counted
    }
    flags = {row.dossier.code: row.due_flag for row in response.context["rows"]}
    assert flags[due_tuesday.code] == "due_soon" and flags[overdue.code] == "overdue"
    assert flags[due_wednesday.code] == ""

    # The officer the dossiers were assigned to, in the deciding agency.
    sign_in(client, w.handler.officer)
    mine = tab(QueueView.MINE, agency=w.handler.agency)
    assert mine == {due_tuesday.code, due_wednesday.code, proposed.code}


def test_a_new_dossier_whose_answer_time_has_passed_is_highlighted(client, monkeypatch):
    clock = Clock(monkeypatch, vn(2026, 3, 9, 9, 0))  # Monday
    w = world()
    late = file_online(w)
    clock.set(vn(2026, 3, 10, 14, 0))
    fresh = file_online(w)
    clock.set(vn(2026, 3, 10, 14, 30))  # 8 working hours after Monday 9:00 were Tuesday 9:30
    sign_in(client, w.desk.clerk)

    response = client.get(queue_url(w.desk.agency))

    rows = {row.dossier.code: row for row in response.context["rows"]}
    assert rows[late.code].intake_late and not rows[fresh.code].intake_late
    assert "is-intake-late" in response.content.decode()
    # Sorted by due date: the oldest answer deadline first.
    assert codes_on(response) == [late.code, fresh.code]


def test_all_the_counts_take_one_query_on_the_dossiers_then_none_until_a_change(
    django_capture_on_commit_callbacks,
):
    w = world()
    filed = file_online(w)
    dossier_in(w, State.RECEIVED)
    clerk = type(w.desk.clerk).objects.get(pk=w.desk.clerk.pk)
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.queue_counts(clerk, w.desk.agency)
    on_dossiers = [q["sql"] for q in queries if '"dossiers_dossier"' in q["sql"]]
    # The others read the clerk's agencies and the working calendar's exceptions (for "due soon").
    assert len(on_dossiers) == 1 and len(queries) <= 3
    assert counts[QueueView.NEW] == 1 and counts[QueueView.IN_PROGRESS] == 1
    assert QueueView.ALL not in counts

    with CaptureQueriesContext(connection) as again:
        assert selectors.queue_counts(clerk, w.desk.agency) == counts
    assert not [q for q in again if '"dossiers_dossier"' in q["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        services.receive(dossier=filed, clerk=w.desk.clerk)
    counts = selectors.queue_counts(clerk, w.desk.agency)
    assert counts[QueueView.NEW] == 0 and counts[QueueView.IN_PROGRESS] == 2


def test_the_queue_sorts_and_pages(client):
    w = world()
    version = w.version(documents=0)
    for _n in range(27):
        file_online(w, version=version)
    sign_in(client, w.desk.clerk)

    first = client.get(queue_url(w.desk.agency, view="new", order="code"))
    second = client.get(queue_url(w.desk.agency, view="new", order="code", page=2))

    codes = codes_on(first) + codes_on(second)
    assert len(codes_on(first)) == 25 and len(codes_on(second)) == 2
    assert codes == sorted(codes)
    assert first.context["next_url"] == "?view=new&order=code&page=2" and not first.context["previous_url"]
    assert second.context["previous_url"] == "?view=new&order=code&page=1" and not second.context["next_url"]
    newest = codes_on(client.get(queue_url(w.desk.agency, view="new", order="-submitted_at")))
    assert newest[0] == max(codes)


def test_the_history_tab_pages_by_a_cursor_over_both_agency_columns_without_counting(client):
    """The "all" tab: dossiers received here and dossiers handled here (received elsewhere), newest filed
    first, page after page with no total and no repeat; an altered cursor is the first page, not an error."""
    w, elsewhere = world(), world()
    version = w.version(documents=0)
    received_here = [file_online(w, version=version) for _n in range(20)]
    handled_here = []
    for _n in range(12):
        dossier = dossier_in(elsewhere, State.RECEIVED)
        services.transfer(dossier=dossier, by=elsewhere.desk.clerk, to_agency=w.desk.agency)
        handled_here.append(dossier)
    sign_in(client, w.desk.clerk)

    seen, url, pages = [], queue_url(w.desk.agency, view="all"), 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert not [
            q
            for q in queries
            if "COUNT(" in q["sql"] and "dossiers_dossier" in q["sql"] and "FILTER" not in q["sql"]
        ]
        seen += codes_on(response)
        pages += 1
        next_url = response.context["next_url"]
        url = reverse("staff:queue", args=[w.desk.agency.code]) + next_url if next_url else ""
    assert pages == 2
    assert sorted(seen) == sorted(d.code for d in received_here + handled_here)
    submitted = {d.code: (d.submitted_at, d.pk) for d in Dossier.objects.filter(code__in=seen)}
    assert [submitted[code] for code in seen] == sorted(submitted.values(), reverse=True)

    for cursor in ["nonsense", "2026-13-45T00:00:00_1", "2026-01-01T00:00:00_x", "' OR 1=1 --", "9" * 400]:
        response = client.get(queue_url(w.desk.agency, view="all", after=cursor))
        assert response.status_code == 200


def test_the_number_of_queries_does_not_grow_with_the_page(client, django_assert_max_num_queries, settings):
    settings.QUEUE_PAGE_CACHE_SECONDS = 0  # each request builds the page: what is counted
    w = world()
    version = w.version(documents=0)
    for _n in range(3):
        dossier_in(w, State.IN_PROGRESS, version=version)
    sign_in(client, w.desk.clerk)
    url = queue_url(w.desk.agency, view="all")
    client.get(url)  # warm the session and the calendar caches
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    queries_for_three = len(three)  # read now: the next request clears the connection's query log

    for _n in range(27):
        dossier_in(w, State.IN_PROGRESS, version=version)
    # Warm again: on a loaded machine the 27 dossiers can take longer than the counts' cache lives.
    client.get(url)
    with django_assert_max_num_queries(queries_for_three):
        response = client.get(url)
    assert len(response.context["rows"]) == 25


def test_dossiers_with_a_due_date_come_before_those_not_yet_received_on_every_database(client):
    w = world()
    version = w.version(documents=0)
    waiting = file_online(w, version=version)
    received = dossier_in(w, State.RECEIVED, version=version)
    sign_in(client, w.desk.clerk)

    earliest_first = codes_on(client.get(queue_url(w.desk.agency, view="all", order="due_date")))
    latest_first = codes_on(client.get(queue_url(w.desk.agency, view="all", order="-due_date")))

    # SQLite sorts NULL first and PostgreSQL last unless told: the queue says it on both.
    assert earliest_first == [received.code, waiting.code]
    assert latest_first == [received.code, waiting.code]


# --- the kept page ------------------------------------------------------------------------------------------
@pytest.fixture
def kept_new_tab(client):
    """A ward with one new filing, its clerk having read the "new" tab once: (world, filing, tab URL)."""
    w = world()
    first = file_online(w)
    sign_in(client, w.desk.clerk)
    url = queue_url(w.desk.agency, view=QueueView.NEW)
    assert codes_on(client.get(url)) == [first.code]
    return w, first, url


def test_a_tab_read_again_comes_from_the_cache_until_a_change_to_the_agencys_dossiers_commits(
    client, kept_new_tab, django_capture_on_commit_callbacks
):
    w, first, url = kept_new_tab

    with CaptureQueriesContext(connection) as again:
        assert codes_on(client.get(url)) == [first.code]
    assert not [q for q in again if '"dossiers_dossier"' in q["sql"]]  # no dossier read: the page was kept

    with django_capture_on_commit_callbacks(execute=True):
        second = file_online(w)  # its commit changes the agency's queue version

    assert set(codes_on(client.get(url))) == {first.code, second.code}


def test_a_change_that_has_not_committed_leaves_the_kept_page_as_it_was(
    client, kept_new_tab, django_capture_on_commit_callbacks
):
    w, first, url = kept_new_tab

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file_online(w)

    assert callbacks  # the version changes only once the change commits…
    assert codes_on(client.get(url)) == [first.code]  # …so no page is built from an uncommitted change


def test_each_member_of_staff_keeps_their_own_page_of_the_mine_tab(client):
    w = world()
    dossier = dossier_in(w, State.IN_PROGRESS)  # assigned to the handling agency's officer
    colleague = staff_member(w.handler.agency, role="officer")
    sign_in(client, colleague)
    assert codes_on(client.get(queue_url(w.handler.agency, view=QueueView.MINE))) == []

    sign_in(client, w.handler.officer)

    assert codes_on(client.get(queue_url(w.handler.agency, view=QueueView.MINE))) == [dossier.code]


def test_each_language_and_page_is_kept_apart(client):
    w = world()
    version = w.version(documents=0)
    dossiers = [dossier_in(w, State.IN_PROGRESS, version=version) for _n in range(27)]
    sign_in(client, w.handler.officer)
    english = client.get(queue_url(w.handler.agency, view=QueueView.IN_PROGRESS)).content.decode()
    client.cookies["portal_language"] = "vi"

    vietnamese = client.get(queue_url(w.handler.agency, view=QueueView.IN_PROGRESS)).content.decode()
    second = codes_on(client.get(queue_url(w.handler.agency, view=QueueView.IN_PROGRESS, page=2)))

    assert "Next page" in english and "Trang sau" in vietnamese and "Next page" not in vietnamese
    assert len(second) == 2 and set(second) < {d.code for d in dossiers}
