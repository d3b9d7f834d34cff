"""Issue 12, what clerks trip over: the transfer form (its proposal, its assignees, no transfer to the
agency already processing), "new to us" in the queue, staff landing on their busiest queue, who can act
next, the dense queue and the dossier page whose ending actions are confirmed on a second page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.adapters import PortalAccountAdapter
from dossiers import policies, selectors, services
from dossiers.models import Arrival, State
from dossiers.staff_forms import TransferForm
from procedures.models import Agency
from tests.dossiers.factories_core import assert_refused, case_in
from tests.dossiers.staff_support import act, dossier_in, file_online, office, page, reload, sign_in, world
from tests.factories import AgencyFactory, CitizenProfileFactory, ProcedureVersionFactory, staff_member

pytestmark = pytest.mark.django_db


def queue(client, agency, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return client.get(reverse("staff:queue", args=[agency.code]) + (f"?{query}" if query else ""))


# --- item 5: the transfer form ---------------------------------------------------------------------------
def wards_and_a_department():
    ward = AgencyFactory(name="UBND phường Hoa Lư", kind=Agency.Kind.COMMUNE)
    neighbour = AgencyFactory(name="UBND phường Phủ Lý", kind=Agency.Kind.COMMUNE)
    justice = AgencyFactory(name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    return ward, neighbour, justice


def received_at(agency, agencies):
    version = ProcedureVersionFactory(published=True, agencies=agencies, documents=0)
    w = world()
    w.desk = office(agency)
    return w, dossier_in(w, State.RECEIVED, version=version)


def test_the_transfer_proposes_the_deciding_department_never_a_neighbouring_ward():
    ward, neighbour, justice = wards_and_a_department()
    # A ward-level procedure every ward decides, that Sở Tư pháp decides too (e.g. a civil-status copy).
    _w, dossier = received_at(ward, [neighbour, ward, justice])

    form = TransferForm(dossier=dossier)

    assert form.initial["to_agency"] == justice.pk
    [_empty, (deciding_label, deciding), (_other_label, others)] = form.fields["to_agency"].choices
    assert str(deciding_label) == "Agencies that decide this procedure"
    assert [pk for pk, _name in deciding] == sorted(
        [ward.pk, neighbour.pk, justice.pk], key=lambda pk: Agency.objects.get(pk=pk).name
    )
    assert ward.pk not in {pk for pk, _name in others}


def test_a_procedure_only_wards_decide_stays_with_the_ward_that_received_it():
    ward, neighbour, _justice = wards_and_a_department()
    _w, dossier = received_at(ward, [neighbour, ward])

    assert TransferForm(dossier=dossier).initial["to_agency"] == ward.pk


def test_with_two_possible_departments_nothing_is_proposed():
    ward, _neighbour, justice = wards_and_a_department()
    finance = AgencyFactory(name="Sở Tài chính", kind=Agency.Kind.DEPARTMENT)
    _w, dossier = received_at(ward, [ward, justice, finance])

    assert TransferForm(dossier=dossier).initial["to_agency"] is None


def test_the_service_refuses_a_transfer_to_the_agency_already_processing_it():
    case = case_in(State.IN_PROGRESS)

    assert_refused(
        ValidationError,
        lambda: services.transfer(
            dossier=case.dossier, by=case.handler.officer, to_agency=case.dossier.handling_agency
        ),
        case.dossier,
        match="already being processed by",
    )


def test_the_page_says_why_a_transfer_to_the_agency_processing_it_is_refused(client):
    w = world()
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)

    response = act(client, dossier, "transfer", to_agency=w.handler.agency.pk)

    assert response.status_code == 400
    assert "The dossier is already being processed by" in response.content.decode()
    assert reload(dossier).lock_version == dossier.lock_version


def test_the_desk_still_hands_a_received_dossier_to_its_own_agency():
    """How a ward gets its own dossiers to its officers: the hand-off from the desk is not refused."""
    w = world()
    dossier = dossier_in(w, State.RECEIVED)

    dossier = services.transfer(dossier=dossier, by=w.desk.clerk, to_agency=w.desk.agency)

    assert dossier.state == State.IN_PROGRESS and dossier.handling_agency == w.desk.agency


def test_the_assignee_list_holds_the_staff_of_the_agency_chosen_only(client):
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    unbound = TransferForm(dossier=dossier)
    assert unbound.initial["to_agency"] == w.handler.agency.pk
    assert set(unbound.fields["assignee"].queryset) == {
        w.handler.clerk,
        w.handler.officer,
        w.handler.supervisor,
    }
    sign_in(client, w.desk.clerk)

    # The officer of the handling agency, sent with the desk's own agency chosen: refused, nothing lost.
    response = act(
        client, dossier, "transfer", to_agency=w.desk.agency.pk, assignee=w.handler.officer.pk, note="Gấp"
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a member of staff of the agency the dossier goes to." in html
    assert 'value="Gấp"' in html
    assert reload(dossier).state == State.RECEIVED


def test_the_assignee_options_follow_the_agency_chosen(client):
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    url = reverse("staff:transfer_assignees", args=[dossier.pk])
    sign_in(client, w.desk.clerk)

    html = client.get(url, {"to_agency": w.handler.agency.pk}).content.decode()

    assert w.handler.officer.email in html and w.desk.clerk.email not in html
    desk_staff = client.get(url, {"to_agency": w.desk.agency.pk}).content.decode()
    assert w.desk.clerk.email in desk_staff and w.handler.officer.email not in desk_staff
    for nonsense in ["", "abc", "99999999", "' OR 1=1"]:
        response = client.get(url, {"to_agency": nonsense})
        assert response.status_code == 200 and "@" not in response.content.decode()
    sign_in(client, w.desk.officer)  # sees the dossier, may not transfer it
    assert client.get(url, {"to_agency": w.handler.agency.pk}).status_code == 403


def test_the_transfer_form_lists_every_current_agency_in_as_many_statements_however_many(client):
    """A province has some 130 agencies: the form reads them, each marked whether it decides the procedure,
    in one statement; a province's agencies cost the page no statement more than three do."""
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    AgencyFactory(name="UBND xã Đã Sáp Nhập", kind=Agency.Kind.COMMUNE, is_legacy=True)
    sign_in(client, w.desk.clerk)
    page(client, dossier)

    with CaptureQueriesContext(connection) as few:
        page(client, dossier)
    AgencyFactory.create_batch(40, kind=Agency.Kind.COMMUNE)
    with CaptureQueriesContext(connection) as many:
        html = page(client, dossier)

    assert len(many) == len(few)
    assert sum('FROM "procedures_agency"' in query["sql"] for query in many.captured_queries) == 1
    [_empty, (_deciding, deciding), (_others, others)] = (
        TransferForm(dossier=reload(dossier)).fields["to_agency"].choices
    )
    offered = [pk for pk, _name in [*deciding, *others]]
    assert sorted(offered) == sorted(Agency.objects.filter(is_legacy=False).values_list("pk", flat=True))
    assert {pk for pk, _name in deciding} == set(
        dossier.procedure_version.agencies.values_list("pk", flat=True)
    )
    assert "UBND xã Đã Sáp Nhập" not in html


def test_the_transfer_form_loads_its_script_from_a_static_file(client):
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    sign_in(client, w.desk.clerk)

    html = page(client, dossier)

    assert 'src="/static/js/staff.js"' in html
    assert f'data-assignees-url="{reverse("staff:transfer_assignees", args=[dossier.pk])}"' in html


# --- item 6: new to us, where staff land -------------------------------------------------------------------
def test_a_dossier_handed_to_an_agency_is_new_there_until_one_of_its_staff_opens_it(
    client, django_capture_on_commit_callbacks
):
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    services.transfer(dossier=dossier, by=w.desk.clerk, to_agency=w.handler.agency)
    sign_in(client, w.handler.officer)

    response = queue(client, w.handler.agency, view="in_progress")

    [row] = response.context["rows"]
    assert row.is_new and "New to us" in response.content.decode()
    # The sender opening it again, or staff of another agency, change nothing for the handling agency.
    sign_in(client, w.desk.clerk)
    page(client, dossier)
    assert Arrival.objects.filter(dossier=dossier, agency=w.handler.agency).exists()

    sign_in(client, w.handler.officer)
    with django_capture_on_commit_callbacks(execute=True):
        page(client, dossier)

    assert not Arrival.objects.filter(dossier=dossier, agency=w.handler.agency).exists()
    # The queue's page, kept in the cache since it was read above, is built again.
    shown = queue(client, w.handler.agency, view="in_progress").content.decode()
    assert dossier.code in shown and "New to us" not in shown


def test_a_new_filing_is_new_to_the_desk_until_a_clerk_opens_it(client, django_capture_on_commit_callbacks):
    w = world()
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)
    assert [row.is_new for row in queue(client, w.desk.agency, view="new").context["rows"]] == [True]

    with django_capture_on_commit_callbacks(execute=True):
        page(client, dossier)

    assert [row.is_new for row in queue(client, w.desk.agency, view="new").context["rows"]] == [False]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_opening_a_new_dossier_clears_it_with_one_statement_and_no_transaction(client):
    """The page view's only write is one DELETE, run on its own (QuerySet.delete() wrapped it in a
    transaction: BEGIN and COMMIT, two more round trips on every view of the page)."""
    w = world()
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)
    deletes = []

    def watch(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("DELETE"):
            deletes.append(context["connection"].in_atomic_block)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        page(client, dossier)

    assert deletes == [False]  # one DELETE, in no transaction
    assert not Arrival.objects.filter(dossier=dossier).exists()


def test_opening_a_dossier_already_seen_by_the_agency_sends_no_delete(client):
    """The page's read tells whether anything is new to the viewer's agencies (new_to_viewer): a dossier
    opened again, or one the viewer sent themselves, costs no statement to clear."""
    w = world()
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)
    statements = []

    def watch(execute, sql, params, many, context):
        statements.append(sql.lstrip().split()[0].upper())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        page(client, dossier)
    assert statements.count("DELETE") == 1

    statements.clear()
    with connection.execute_wrapper(watch):
        page(client, dossier)
    assert statements and "DELETE" not in statements

    services.transfer(
        dossier=services.receive(dossier=dossier, clerk=w.desk.clerk),
        by=w.desk.clerk,
        to_agency=w.handler.agency,
    )
    statements.clear()
    with connection.execute_wrapper(watch):
        page(client, dossier)  # sent by the viewer: not new to them, and left new to the handler
    assert "DELETE" not in statements
    assert Arrival.objects.filter(dossier=dossier, agency=w.handler.agency).exists()


def test_opening_a_dossier_that_is_no_longer_new_leaves_the_kept_queue_pages_alone(
    client, django_capture_on_commit_callbacks
):
    w = world()
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        page(client, dossier)
    version = selectors.agency_versions([w.desk.agency.pk])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page(client, dossier)  # nothing left to clear: no DELETE that cleared anything

    assert callbacks == [] and selectors.agency_versions([w.desk.agency.pk]) == version


def test_acting_on_a_dossier_ends_its_new_there_and_handing_it_back_makes_it_new_again():
    w = world()
    dossier = file_online(w)
    assert Arrival.objects.filter(dossier=dossier, agency=w.desk.agency).exists()

    dossier = services.receive(dossier=dossier, clerk=w.desk.clerk)
    assert not Arrival.objects.filter(dossier=dossier).exists()

    dossier = services.transfer(dossier=dossier, by=w.desk.clerk, to_agency=w.handler.agency)
    dossier = services.transfer(dossier=dossier, by=w.handler.clerk, to_agency=w.desk.agency)
    assert list(Arrival.objects.filter(dossier=dossier).values_list("agency", "sent_by")) == [
        (w.desk.agency.pk, w.handler.clerk.pk)
    ]


def test_the_new_marker_reads_one_query_for_the_whole_page(client, settings):
    settings.QUEUE_PAGE_CACHE_SECONDS = 0  # each request builds the page: what is counted
    w = world()
    version = w.version(documents=0)
    for _n in range(3):
        file_online(w, version=version)
    sign_in(client, w.desk.clerk)
    queue(client, w.desk.agency, view="new")  # warm the session and the calendar caches
    with CaptureQueriesContext(connection) as three:
        queue(client, w.desk.agency, view="new")
    for _n in range(25):
        file_online(w, version=version)

    with CaptureQueriesContext(connection) as page_full:
        response = queue(client, w.desk.agency, view="new")

    assert len(response.context["rows"]) == 25 and all(row.is_new for row in response.context["rows"])
    on_arrivals = [q["sql"] for q in page_full if '"dossiers_arrival"' in q["sql"]]
    assert len(on_arrivals) == 1
    assert len(page_full) <= len(three)


def adapter_redirect(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return PortalAccountAdapter().get_login_redirect_url(request)


def test_staff_land_on_their_busiest_queue_on_its_first_tab_with_dossiers(client):
    w = world()
    dossier_in(w, State.IN_PROGRESS)  # assigned to the handling agency's officer
    officer = w.handler.officer
    officer.memberships.create(agency=AgencyFactory(name="Ban Quản lý (không có hồ sơ)"))  # nothing to do

    assert adapter_redirect(officer) == reverse("staff:start")
    sign_in(client, officer)
    response = client.get(reverse("staff:start"))

    assert response.status_code == 302
    assert response.url == reverse("staff:queue", args=[w.handler.agency.code]) + "?view=mine"


def test_staff_with_no_work_land_on_their_agencies_and_staff_of_no_agency_on_the_dashboard(client):
    w = world()
    sign_in(client, w.desk.clerk)
    assert client.get(reverse("staff:start")).url == reverse("staff:home")
    finance = staff_member(AgencyFactory(), role="finance")
    finance.memberships.all().delete()
    assert adapter_redirect(finance) == reverse("dashboard")
    assert adapter_redirect(CitizenProfileFactory().user) == reverse("dashboard")


def test_a_queue_opened_without_a_tab_opens_on_its_first_tab_with_dossiers(client):
    w = world()
    dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)

    response = queue(client, w.handler.agency)

    assert response.context["view"] == "mine" and len(response.context["rows"]) == 1
    assert queue(client, w.handler.agency, view="new").context["view"] == "new"  # asked for: kept


def test_the_work_queue_lists_the_busiest_agency_first(client):
    w = world()
    clerk = w.desk.clerk
    busy = office(AgencyFactory(name="Ân Thi (bận)"))
    clerk.memberships.create(agency=busy.agency)
    w.desk = busy
    file_online(w)
    sign_in(client, clerk)

    rows = client.get(reverse("staff:home")).context["rows"]

    assert [membership.agency.name for membership, _tabs in rows] == [busy.agency.name, "UBND phường Hoa Lư"]


# --- item 7: who can act next ------------------------------------------------------------------------------
def test_the_dossier_page_says_who_can_act_next_when_the_viewer_cannot(client):
    w = world()
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.desk.clerk)  # the desk's part is done

    html = page(client, dossier)

    assert "Nothing for you to do on this dossier now." in html
    assert f"Officers of {w.handler.agency.name}" in html
    assert f"assigned to {w.handler.officer.get_full_name()}" in html
    assert "Approve and issue the result" in html
    steps = policies.next_steps(dossier)
    assert {step.actors for step in steps} == {"decider", "handler"}


def test_next_steps_name_the_applicant_when_the_dossier_waits_for_them_and_nobody_once_closed(client):
    w = world()
    waiting = dossier_in(w, State.SUPPLEMENT_REQUESTED)
    assert policies.next_steps(waiting)[0].actors == policies.APPLICANT
    refused = dossier_in(w, State.REFUSED)
    sign_in(client, w.desk.officer)  # may assign the desk's dossiers, takes no intake step

    html = page(client, waiting)
    assert "Who can act next:" in html and "<strong>The applicant</strong>: Send the supplement" in html
    assert "Nothing for you to do on this dossier now." not in html  # assigning is still theirs
    assert "The dossier is closed: no one has a step left." in page(client, refused)


def test_the_demo_account_table_and_rules_give_every_receiving_agency_a_clerk():
    from portal.demo import accounts as demo_accounts
    from portal.demo import catalogue

    receiving = {
        code.strip() for row in catalogue.procedure_rows() for code in row["agencies"].split(";") if code
    }
    clerked = {
        membership["agency"]
        for row in demo_accounts.ACCOUNTS
        if row["role"] == "clerk"
        for membership in row["memberships"]
    }
    assert receiving <= clerked
    assert catalogue.SO_TU_PHAP in clerked
    assert all(
        row["email"] in demo_accounts.TOTP_SECRETS for row in demo_accounts.ACCOUNTS if row["role"] == "clerk"
    )


# --- item 14: dense screens, ending actions confirmed ------------------------------------------------------
def test_ending_a_dossier_asks_to_confirm_on_a_second_page_and_loses_nothing(client):
    w = world()
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)

    response = act(client, dossier, "refuse", reason="Không thuộc thẩm quyền của phường")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirm: Refuse" in html and "Không thuộc thẩm quyền của phường" in html
    assert "This cannot be undone." in html
    assert reload(dossier).state == State.SUBMITTED and not dossier.events.filter(action="refuse").exists()

    back = act(client, dossier, "refuse", reason="Không thuộc thẩm quyền của phường", edit="1")
    assert back.status_code == 200 and reload(dossier).state == State.SUBMITTED
    assert re.search(r"<textarea[^>]*>\s*Không thuộc thẩm quyền của phường</textarea>", back.content.decode())

    done = act(client, dossier, "refuse", reason="Không thuộc thẩm quyền của phường", confirmed="1")
    assert done.status_code == 302 and reload(dossier).state == State.REFUSED


def test_the_confirmation_page_is_shown_only_to_who_may_take_the_action(client):
    w = world()
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.desk.clerk)  # sees the dossier, decides nothing

    assert act(client, dossier, "deny", reason="Không đủ điều kiện").status_code == 403
    assert reload(dossier).state == State.IN_PROGRESS


def test_the_step_the_dossier_waits_for_comes_first_and_the_ending_actions_apart(client):
    w = world()
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)

    html = page(client, dossier)

    assert html.index("action-primary action-receive") < html.index("action-request_supplement")
    ending = html[html.index('class="actions-ending"') :]
    assert "action-refuse" in ending and "action-request_supplement" not in ending
    assert html.count("action-primary") == 1


def test_empty_rows_are_not_shown_on_the_staff_dossier_page(client):
    w = world()
    dossier = file_online(w)
    dossier.__class__.objects.filter(pk=dossier.pk).update(
        applicant_email="", applicant_id_number="", form_data={"purpose": "Cấp bản sao", "notes": ""}
    )
    sign_in(client, w.desk.clerk)

    html = page(client, dossier)

    assert "<dt>Personal identification number</dt>" not in html and "<dt>Email</dt>" not in html
    assert "<dt>Notes</dt>" not in html and "Cấp bản sao" in html
    assert "<dt>Assigned to</dt>" not in html  # nobody yet


def test_the_queue_is_one_line_per_dossier_with_short_state_names(client):
    w = world()
    file_online(w)
    sign_in(client, w.desk.clerk)

    html = queue(client, w.desk.agency, view="new").content.decode()

    assert 'class="queue-table queue-lines"' in html and 'href="/static/css/staff.css"' in html
    assert ">To be received<" in html
    assert "Submitted, waiting for the one-stop shop" in html  # the whole label, in the cell's title
    assert 'data-label="Due"' in html
    assert selectors.SHORT_STATE_LABELS
