import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers import services, working_days
from dossiers.models import (
    Apology,
    Channel,
    Dossier,
    DossierDocument,
    FeeSettlement,
    State,
    SupplementRequest,
)
from procedures.models import ProcedureVersion
from tests.dossiers.staff_support import Clock, act, dossier_in, file_online, page, reload, sign_in, vn, world
from tests.factories import (
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    pdf_upload,
    staff_member,
)

pytestmark = pytest.mark.django_db


def actions_on(client, dossier) -> list[str]:
    response = client.get(reverse("staff:detail", args=[dossier.pk]))
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    return [action["name"] for action in response.context["actions"]]


@pytest.fixture
def w():
    return world()


# --- intake ---------------------------------------------------------------------------------------------
def test_the_clerk_receives_a_dossier_and_gets_the_receipt(client, w):
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)

    response = act(client, dossier, "receive")

    assert response.status_code == 302 and response.url == reverse("staff:detail", args=[dossier.pk])
    dossier = reload(dossier)
    assert dossier.state == State.RECEIVED and dossier.due_date is not None
    html = page(client, dossier)
    assert "Appointment date: " + dossier.due_date.strftime("%d/%m/%Y") in html
    assert reverse("staff:slip", args=[dossier.pk, "receipt"]) in html


def test_originals_are_checked_before_a_partial_dossier_can_be_received(client, w):
    dossier = file_online(w, version=w.version(partial=True))
    sign_in(client, w.desk.clerk)
    assert "receive" not in actions_on(client, dossier)
    assert "check_originals" in actions_on(client, dossier)

    assert act(client, dossier, "check_originals", note="Đã xem bản chính").status_code == 302

    dossier = reload(dossier)
    assert dossier.originals_checked_by == w.desk.clerk
    assert "receive" in actions_on(client, dossier) and "check_originals" not in actions_on(client, dossier)


def test_one_supplement_at_intake_and_a_second_is_refused_with_the_reason(client, w):
    dossier = file_online(w)
    first_document = dossier.procedure_version.documents.first()
    sign_in(client, w.desk.clerk)

    response = act(
        client,
        dossier,
        "request_supplement",
        items=[first_document.pk],
        details="Bản chụp mờ",
        reason="Không đọc được số giấy tờ",
        contact="Chị Hoa, 0229 3871 234",
    )

    assert response.status_code == 302
    dossier = reload(dossier)
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    request = dossier.supplement_requests.get()
    assert list(request.items.all()) == [first_document] and request.contact == "Chị Hoa, 0229 3871 234"
    # The applicant answers online; the dossier is back at the desk.
    services.attach_upload(
        dossier=dossier,
        required_document=first_document,
        uploaded=pdf_upload(),
        by=dossier.applicant,
        kind=DossierDocument.Kind.SUPPLEMENT,
    )
    dossier = services.answer_supplement(dossier=dossier, by=dossier.applicant)
    assert dossier.state == State.SUBMITTED
    assert "request_supplement" not in actions_on(client, dossier)
    assert 'action-request_supplement"' not in page(client, dossier)

    response = act(client, dossier, "request_supplement", items=[first_document.pk], reason="Còn thiếu")

    assert response.status_code == 400
    assert "A supplement was already requested at intake" in response.content.decode()
    assert reload(dossier).state == State.SUBMITTED
    assert dossier.supplement_requests.count() == 1


def test_a_supplement_request_must_list_what_is_missing(client, w):
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)

    response = act(client, dossier, "request_supplement", reason="Thiếu giấy tờ")

    assert response.status_code == 400
    assert "List everything that is missing" in response.content.decode()
    assert reload(dossier).state == State.SUBMITTED


def test_the_clerk_refuses_with_a_reason(client, w):
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)

    assert act(client, dossier, "refuse", reason="").status_code == 400
    assert reload(dossier).state == State.SUBMITTED

    assert act(client, dossier, "refuse", reason="Không thuộc thẩm quyền", confirmed="1").status_code == 302
    dossier = reload(dossier)
    assert dossier.state == State.REFUSED and dossier.closed_reason == "Không thuộc thẩm quyền"
    assert reverse("staff:slip", args=[dossier.pk, "refusal"]) in page(client, dossier)


# --- transfer and processing -----------------------------------------------------------------------------
def test_the_clerk_transfers_to_the_deciding_agency_with_an_assignee(client, w):
    dossier = dossier_in(w, State.RECEIVED)
    sign_in(client, w.desk.clerk)

    response = act(
        client,
        dossier,
        "transfer",
        to_agency=w.handler.agency.pk,
        assignee=w.handler.officer.pk,
        note="Chuyển xử lý",
    )

    assert response.status_code == 302
    dossier = reload(dossier)
    assert dossier.state == State.IN_PROGRESS
    assert (dossier.handling_agency, dossier.assignee) == (w.handler.agency, w.handler.officer)
    event = dossier.events.last()
    assert (event.action, event.from_agency, event.to_agency) == ("transfer", w.desk.agency, w.handler.agency)


def test_a_member_of_the_agency_assigns_the_dossier(client, w):
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.supervisor)

    assert act(client, dossier, "assign", assignee=w.handler.supervisor.pk).status_code == 302
    assert reload(dossier).assignee == w.handler.supervisor
    # Someone of another agency cannot be chosen.
    assert act(client, reload(dossier), "assign", assignee=w.desk.clerk.pk).status_code == 400


def test_a_supplement_during_processing_is_proposed_then_approved_by_a_supervisor(client, w):
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)

    response = act(
        client, dossier, "request_supplement", details="Bản án ly hôn", reason="Cơ sở dữ liệu chưa có"
    )

    assert response.status_code == 302
    dossier = reload(dossier)
    request = dossier.supplement_requests.get()
    assert request.status == SupplementRequest.Status.PROPOSED and dossier.state == State.IN_PROGRESS
    assert "approve_supplement" not in actions_on(client, dossier)
    assert "request_supplement" not in actions_on(client, dossier)  # one proposal at a time

    sign_in(client, w.handler.supervisor)
    assert {"approve_supplement", "reject_supplement"} <= set(actions_on(client, dossier))
    response = act(client, dossier, "approve_supplement", request=request.pk)

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SupplementRequest.Status.OPEN and request.approved_by == w.handler.supervisor
    assert reload(dossier).state == State.SUPPLEMENT_REQUESTED


def test_the_page_asks_no_second_time_whether_a_supplement_is_proposed(client, w):
    """The actions (whether a proposal waits) and the early warning's panel take it from the requests the
    page loaded with the dossier, instead of asking PostgreSQL again each."""
    dossier = dossier_in(w, State.IN_PROGRESS)
    services.request_supplement(
        dossier=dossier, by=w.handler.officer, items=[], details="Bản gốc", reason="Cần đối chiếu"
    )
    sign_in(client, w.handler.supervisor)

    with CaptureQueriesContext(connection) as captured:
        shown = actions_on(client, reload(dossier))

    assert {"approve_supplement", "reject_supplement"} <= set(shown)
    asked = [q["sql"] for q in captured.captured_queries if 'FROM "dossiers_supplementrequest"' in q["sql"]]
    # The page's read of them all, and the approval form's read of the one it decides; no "is one proposed?".
    assert len(asked) == 2 and not [sql for sql in asked if sql.startswith("SELECT 1 AS")], asked


def test_a_supervisor_rejects_a_proposal_with_a_note(client, w):
    dossier = dossier_in(w, State.IN_PROGRESS)
    request = services.request_supplement(
        dossier=dossier, by=w.handler.officer, items=[], details="Bản gốc", reason="Cần đối chiếu"
    )
    sign_in(client, w.handler.supervisor)

    assert act(client, reload(dossier), "reject_supplement", request=request.pk, note="").status_code == 400
    response = act(client, reload(dossier), "reject_supplement", request=request.pk, note="Đã đủ")

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SupplementRequest.Status.REJECTED
    assert reload(dossier).state == State.IN_PROGRESS


def test_approving_needs_the_result_file(client, w):
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)

    assert act(client, dossier, "approve").status_code == 400
    assert reload(dossier).state == State.IN_PROGRESS

    response = act(client, dossier, "approve", result_file=pdf_upload("ket-qua.pdf"), note="Đủ điều kiện")

    assert response.status_code == 302
    dossier = reload(dossier)
    assert dossier.state == State.APPROVED and dossier.has_result_document()


def test_the_officer_denies_with_reasons(client, w):
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)

    assert act(client, dossier, "deny", reason="Tài sản đang bị kê biên", confirmed="1").status_code == 302

    dossier = reload(dossier)
    assert dossier.state == State.DENIED and dossier.closed_reason == "Tài sản đang bị kê biên"


def test_the_result_is_made_ready_then_returned_at_the_desk(client, w):
    dossier = dossier_in(w, State.APPROVED)
    sign_in(client, w.handler.officer)
    assert "returned" not in actions_on(client, dossier)
    assert act(client, dossier, "result_ready").status_code == 302
    dossier = reload(dossier)
    assert dossier.state == State.RESULT_READY

    sign_in(client, w.desk.clerk)
    assert act(client, dossier, "returned", note="Công dân nhận trực tiếp").status_code == 302
    dossier = reload(dossier)
    assert dossier.state == State.RETURNED and dossier.returned_at is not None


def test_processing_is_stopped_with_a_reason(client, w):
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)

    assert act(client, dossier, "stop", reason="").status_code == 400
    assert act(client, dossier, "stop", reason="Người nộp đề nghị dừng", confirmed="1").status_code == 302

    dossier = reload(dossier)
    assert dossier.state == State.STOPPED
    assert reverse("staff:slip", args=[dossier.pk, "stop"]) in page(client, dossier)


def test_an_apology_moves_the_date_only_before_the_due_date_passes(client, w, monkeypatch):
    clock = Clock(monkeypatch, vn(2026, 3, 9, 9, 0))
    dossier = dossier_in(w, State.IN_PROGRESS)
    new_date = working_days.add_working_days(dossier.due_date, 3)
    sign_in(client, w.handler.officer)
    assert "apology" in actions_on(client, dossier)

    response = act(
        client,
        dossier,
        "apology",
        new_due_date=new_date.isoformat(),
        reason="Cần xác minh",
        signed_by="Đinh Văn Hưng, Giám đốc",
    )

    assert response.status_code == 302
    dossier = reload(dossier)
    assert dossier.due_date == new_date and Apology.objects.filter(dossier=dossier).count() == 1

    clock.set(vn(new_date.year, new_date.month, new_date.day, 9, 0) + datetime.timedelta(days=1))
    sign_in(client, w.handler.officer)  # the session of days ago has expired
    assert "apology" not in actions_on(client, dossier)
    response = act(
        client,
        dossier,
        "apology",
        new_due_date=(new_date + datetime.timedelta(days=7)).isoformat(),
        reason="Chưa xong",
        signed_by="Đinh Văn Hưng, Giám đốc",
    )
    assert response.status_code == 400
    assert "The appointment date has passed" in response.content.decode()
    assert reload(dossier).due_date == new_date


# --- the rules of the endpoint --------------------------------------------------------------------------
def test_a_stale_page_changes_nothing_and_says_so(client, w):
    dossier = file_online(w)
    stale_version = dossier.lock_version
    # Another clerk acts first.
    services.request_supplement(
        dossier=dossier, by=w.desk.clerk, items=[], details="Ảnh chân dung", reason="Thiếu"
    )
    sign_in(client, w.desk.clerk)

    response = act(
        client,
        reload(dossier),
        "refuse",
        reason="Ngoài phạm vi",
        expected_version=stale_version,
        confirmed="1",
    )

    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    dossier = reload(dossier)
    assert dossier.state == State.SUPPLEMENT_REQUESTED and dossier.closed_reason == ""


def _action_forms_html(client, dossier) -> dict[str, str]:
    """Each action's form as the clerk gets it: on the page, or fetched when its fold is opened."""
    response = client.get(reverse("staff:detail", args=[dossier.pk]))
    forms = {}
    for action in response.context["actions"]:
        if action["form"] is not None:
            forms[action["name"]] = render_to_string(
                "dossiers/staff/_action_form.html", {"action": action}, request=response.wsgi_request
            )
        else:
            fetched = client.get(action["part_url"])
            assert fetched.status_code == 200
            forms[action["name"]] = fetched.content.decode()
    return forms


def test_every_action_form_carries_the_dossier_version(client, w):
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)
    forms = _action_forms_html(client, dossier)
    assert len(forms) > 3
    for name, html in forms.items():
        assert html.count(f'name="expected_version" value="{dossier.lock_version}"') == 1, name
        assert 'name="csrfmiddlewaretoken"' in html, name


def test_folded_action_forms_are_fetched_when_opened_not_built_with_the_page(client, w):
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)
    html = page(client, dossier)
    # The step the dossier waits for is on the page; transfer and the others only when opened.
    assert 'name="result_file"' in html
    assert 'name="to_agency"' not in html and 'name="new_due_date"' not in html
    transfer = reverse("staff:act", args=[dossier.pk, "transfer"])
    shown = dossier.lock_version
    assert f'data-form-url="{transfer}?part=form&amp;version={shown}"' in html
    assert f'<a href="{transfer}?version={shown}">' in html  # without scripts: the form on its own page

    alone = client.get(transfer, {"part": "form"}).content.decode()
    assert alone.lstrip().startswith("<form") and 'name="to_agency"' in alone and "<html" not in alone
    own_page = client.get(transfer).content.decode()
    assert "<html" in own_page and 'name="to_agency"' in own_page and dossier.code in own_page

    assert (
        f'name="expected_version" value="{shown}"'
        in client.get(transfer, {"part": "form", "version": shown}).content.decode()
    )

    # Posted with a mistake, the page shows that form unfolded, with what was typed and the message.
    response = act(client, dossier, "transfer", to_agency="", note="Chuyển sở")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'name="to_agency"' in body and "Chuyển sở" in body


def test_buttons_are_shown_only_to_whom_the_rules_allow_now(client, w):
    submitted = file_online(w)
    in_progress = dossier_in(w, State.IN_PROGRESS)
    desk_officer = staff_member(w.desk.agency, role="officer")

    sign_in(client, w.desk.clerk)
    assert actions_on(client, submitted) == ["receive", "request_supplement", "refuse", "assign"]
    assert actions_on(client, in_progress) == []  # the desk's part is done
    sign_in(client, desk_officer)
    assert actions_on(client, submitted) == ["assign"]
    sign_in(client, w.handler.officer)
    assert actions_on(client, in_progress) == [
        "request_supplement",
        "transfer",
        "assign",
        "approve",
        "deny",
        "stop",
        "apology",
    ]
    assert client.get(reverse("staff:detail", args=[submitted.pk])).status_code == 404


def test_an_action_the_user_may_not_take_is_forbidden(client, w):
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.desk.clerk)  # sees the dossier (received it) but does not decide
    assert act(client, dossier, "approve", result_file=pdf_upload()).status_code == 403
    assert reload(dossier).state == State.IN_PROGRESS


def test_the_endpoint_takes_known_actions_by_post_and_shows_their_forms(client, w):
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)
    assert act(client, dossier, "explode").status_code == 404
    assert client.get(reverse("staff:act", args=[dossier.pk, "receive"])).status_code == 200  # the form
    assert client.put(reverse("staff:act", args=[dossier.pk, "receive"])).status_code == 405
    assert client.get(reverse("staff:act", args=[dossier.pk, "approve"])).status_code == 403  # not now
    other = world()
    sign_in(client, other.desk.clerk)
    assert act(client, dossier, "receive").status_code == 404


# --- registration at the desk -----------------------------------------------------------------------------
def test_the_clerk_registers_a_dossier_at_the_desk_with_its_papers(client, w):
    version = w.version()
    citizen = CitizenProfileFactory(personal_id="037072009184").user
    url = reverse("staff:desk", args=[w.desk.agency.code])
    sign_in(client, w.desk.clerk)
    assert version in client.get(url).context["chooser"].fields["version"].queryset

    form_page = client.get(url, {"version": version.pk})
    fields = [field.name for field in form_page.context["form"].document_fields()]
    assert len(fields) == 2
    response = client.post(
        f"{url}?version={version.pk}",
        {
            "channel": Channel.POST,
            "applicant_name": "Hoàng Văn Bình",
            "applicant_id_number": "037072009184",
            "link_account": "on",
            "applicant_phone": "0386452917",
            "applicant_address": "Thôn Đông, phường Hoa Lư",
            "purpose": "Cấp bản sao",
            "return_channel": "desk",
            fields[0]: pdf_upload("don.pdf"),
            fields[1]: pdf_upload("cccd.pdf"),
        },
    )

    dossier = Dossier.objects.get(procedure_version=version)
    assert response.status_code == 302 and response.url == reverse("staff:detail", args=[dossier.pk])
    assert dossier.state == State.SUBMITTED and dossier.channel == Channel.POST
    assert (dossier.applicant, dossier.filed_by) == (citizen, w.desk.clerk)
    assert dossier.documents.count() == 2 and dossier.form_data == {"purpose": "Cấp bản sao"}
    # The World's procedure charges 50.000 đ at filing: received once the desk records the payment.
    assert "receive" not in actions_on(client, dossier)
    services.settle_fees(
        dossier=dossier,
        settlement=FeeSettlement.PAID_AT_DESK,
        reference="BL-0001",
        amount=50_000,
        by=w.desk.clerk,
    )
    assert "receive" in actions_on(client, dossier)


def test_the_desk_lists_the_agencys_procedures_by_code_reading_only_what_it_shows(client, w):
    """A ward decides some 300 procedures: the desk's list is read by one prepared statement of the columns
    it shows (a version's whole row and its procedure's cost 140 calls each), as many statements however
    many; its options are the agency's published versions by national code; another agency's is refused."""
    w.version()
    elsewhere = ProcedureVersionFactory(published=True, agencies=[w.handler.agency], documents=0)
    url = reverse("staff:desk", args=[w.desk.agency.code])
    sign_in(client, w.desk.clerk)
    client.get(url)

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    ProcedureVersionFactory.create_batch(20, published=True, agencies=[w.desk.agency], documents=0)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(many) == len(few)
    [listed] = [q["sql"] for q in many.captured_queries if 'FROM "procedures_procedureversion"' in q["sql"]]
    assert '"procedures_procedureversion"."name"' in listed and '"processing_days"' not in listed
    expected = (
        ProcedureVersion.objects.published()
        .filter(agencies=w.desk.agency)
        .select_related("procedure")
        .order_by("procedure__national_code")
    )
    [_empty, *offered] = response.context["chooser"].fields["version"].choices
    assert offered == [(v.pk, f"{v.procedure.national_code} — {v.name}") for v in expected]
    refused = client.get(url, {"version": elsewhere.pk})
    assert refused.status_code == 200 and refused.context["form"] is None


def test_desk_registration_without_an_account_and_an_unknown_personal_id(client, w):
    version = w.version(documents=0)
    url = reverse("staff:desk", args=[w.desk.agency.code]) + f"?version={version.pk}"
    sign_in(client, w.desk.clerk)
    details = {
        "channel": Channel.DESK,
        "applicant_name": "Lê Văn C",
        "applicant_id_number": "001099000001",
        "applicant_phone": "0987654321",
        "return_channel": "desk",
    }

    response = client.post(url, {**details, "link_account": "on"})
    assert response.status_code == 400
    assert "No citizen account has this personal identification number" in response.content.decode()
    assert not Dossier.objects.exists()

    assert client.post(url, details).status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant is None and dossier.applicant_name == "Lê Văn C"


def test_a_dossier_registered_at_the_desk_and_received_at_once_is_on_time(client, w):
    version = w.version(documents=0)
    url = reverse("staff:desk", args=[w.desk.agency.code]) + f"?version={version.pk}"
    sign_in(client, w.desk.clerk)
    client.post(
        url,
        {
            "channel": Channel.DESK,
            "applicant_name": "Lê Văn C",
            "applicant_id_number": "001099000001",
            "applicant_phone": "0987654321",
            "return_channel": "desk",
        },
    )
    dossier = Dossier.objects.get()
    assert dossier.intake_deadline is None  # the answer time runs from the at-filing fee's payment
    services.settle_fees(  # the fee is paid at the desk, then the dossier is received
        dossier=dossier,
        settlement=FeeSettlement.PAID_AT_DESK,
        reference="BL-0002",
        amount=50_000,
        by=w.desk.clerk,
    )
    dossier = Dossier.objects.get()
    assert dossier.intake_deadline > dossier.fees_settled_at

    assert act(client, dossier, "receive").status_code == 302
    receipt = dossier.events.get(action="receive")
    assert receipt.timeliness == "on_time"


def test_only_clerks_register_at_the_desk(client, w):
    sign_in(client, w.desk.officer)
    assert client.get(reverse("staff:desk", args=[w.desk.agency.code])).status_code == 403


def test_the_staff_dossier_page_reads_the_same_few_rows_however_many_agencies_and_staff(client, w):
    """The folded forms are not built (transfer lists every agency and the staff of one; apology computes a
    forecast), the slips' links and the breadcrumb use the rows already read."""
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)
    url = reverse("staff:detail", args=[dossier.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for _ in range(5):
        staff_member(AgencyFactory(), role="officer")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before) <= 12, [q["sql"][:120] for q in after.captured_queries]
    statements = [q["sql"] for q in after.captured_queries]
    assert not [sql for sql in statements if sql.startswith('SELECT "procedures_agency"')]  # transfer's list
    # The viewer's own memberships, read once; never the staff of an agency (transfer's assignee list).
    memberships = [sql for sql in statements if sql.startswith('SELECT "accounts_agencymembership"')]
    assert len(memberships) == 1 and f'"user_id" = {w.handler.officer.pk}' in memberships[0], memberships


def test_the_staff_page_of_a_new_filing_reads_its_supplement_requests_once(client, w):
    """The rule "one supplement request at intake" (Dossier.intake_supplement_open) asks the requests the
    page already loaded, not the database again."""
    dossier = file_online(w)
    sign_in(client, w.desk.clerk)
    url = reverse("staff:detail", args=[dossier.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as seen:
        html = client.get(url).content.decode()
    reads = [q["sql"] for q in seen.captured_queries if 'FROM "dossiers_supplementrequest"' in q["sql"]]
    assert len(reads) == 1, reads
    assert reverse("staff:act", args=[dossier.pk, "request_supplement"]) in html


def test_a_folded_form_opened_on_a_stale_page_is_not_given(client, w):
    """The page showed version n; someone else acted since. The form fetched now would carry the new version
    and pass the stale-page check: the page's version goes with the request, and the answer is the notice."""
    dossier = dossier_in(w, State.IN_PROGRESS)
    sign_in(client, w.handler.officer)
    html = page(client, dossier)
    shown = dossier.lock_version
    stop = reverse("staff:act", args=[dossier.pk, "stop"])
    assert f"{stop}?part=form&amp;version={shown}" in html
    services.assign(dossier=reload(dossier), by=w.handler.officer, assignee=w.handler.officer)
    assert reload(dossier).lock_version != shown

    alone = client.get(stop, {"part": "form", "version": shown})
    assert alone.status_code == 409
    body = alone.content.decode()
    assert "<form" not in body and 'role="alert"' in body and "changed by someone else" in body
    own_page = client.get(stop, {"version": shown})
    assert own_page.status_code == 409 and 'name="reason"' not in own_page.content.decode()
    fresh = client.get(stop, {"part": "form", "version": reload(dossier).lock_version})
    assert fresh.status_code == 200 and 'name="reason"' in fresh.content.decode()
    assert client.get(stop, {"part": "form", "version": "x' OR 1=1"}).status_code == 409
