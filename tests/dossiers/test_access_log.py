"""Who opened my documents (issue 16): every route that serves a person's file writes one DocumentAccess row,
the applicant reads them on the dossier page, the auditors export them by period.

The routes are found in the URLconf, as the access matrix does: every view the URLconf reaches whose code
(or a project function it calls) hands over a file — `private_download`, `user_file`, `FileResponse`,
`StreamingHttpResponse`, or a Content-Disposition header — must carry `@logs_document_access`
(dossiers.services.access_log) or be named in NOT_LOGGED with the reason. Every logged route is then
requested by a person allowed to open it, and must leave exactly one row with the right fields."""

import datetime
import dis
import inspect
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from common import clock
from dossiers import services as dossier_services
from dossiers.models import DocumentAccess, Dossier, DossierDocument, StoredFile
from dossiers.services.access_log import AccessNotRecorded, ip_digest, logs_document_access, record_access
from tests.dossiers.factories_extra import sign_in
from tests.factories import PDF_BYTES, AgencyFactory, CitizenProfileFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# Views that hand over a file but not a person's document, each with the reason it is not logged.
NOT_LOGGED = {
    "procedures:form_template": "a blank form of the public catalogue",
    "staff:register_xlsx": "the agency's register, exported by its own staff (a list, not a document)",
    "scorecard:export": "the service index: figures per agency, no one's data",
    "payments:reconciliation_xlsx": "finance's daily reconciliation of gateway totals",
    "sandbox_bank:settlement": "the sandbox bank's settlement file (test data)",
    "appointments:calendar": "a calendar entry (time, office, dossier code) for the person's own diary",
    "staff:access_export": "the auditors' export of this log itself",
    "privacy:register_xlsx": "the processing register: kinds of data and row counts, no one's data",
}

FILE_SERVERS = {"private_download", "user_file", "FileResponse", "StreamingHttpResponse"}


# --- the routes that serve files, from the URLconf ----------------------------------------------------------
def _project_function(value) -> bool:
    if not isinstance(value, types.FunctionType):
        return False
    module = sys.modules.get(value.__module__)
    path = getattr(module, "__file__", None) or ""
    return path.startswith(str(ROOT)) and "/.venv/" not in path and "/tests/" not in path


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _globals_read(code):
    """The global names the code reads (not attribute names: `share.stored_file` is not the view)."""
    return {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}


def _hands_over_a_file(function, seen: set) -> bool:
    """The function's code, or a project function it names, builds a file response."""
    function = inspect.unwrap(function)
    if function in seen or not hasattr(function, "__code__"):
        return False
    seen.add(function)
    for code in _code_objects(function.__code__):
        if any(isinstance(c, str) and "Content-Disposition" in c for c in code.co_consts):
            return True
        for name in _globals_read(code):
            value = function.__globals__.get(name)
            if getattr(value, "__name__", None) in FILE_SERVERS and name in FILE_SERVERS:
                return True
            if _project_function(value) and _hands_over_a_file(value, seen):
                return True
    return False


def _handlers(callback):
    """The functions that answer a request to this URL: a function view, or the handler methods of a
    class-based view (Django's or DRF's)."""
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return [callback]
    names = getattr(callback, "actions", None) or {}
    methods = set(names.values()) | {"get", "post", "put", "patch", "delete", "head"}
    return [getattr(view_class, name) for name in sorted(methods) if hasattr(view_class, name)]


def _routes(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def file_routes() -> dict[str, bool]:
    """Route name → whether its view is marked @logs_document_access, for every route serving a file."""
    found = {}
    for name, callback in _routes():
        handlers = _handlers(callback)
        if any(
            _hands_over_a_file(handler, set())
            for handler in handlers
            if _project_function(inspect.unwrap(handler))
        ):
            found[name] = any(getattr(handler, "logs_document_access", False) for handler in handlers)
    return found


def test_every_route_that_serves_a_file_logs_who_opened_it():
    """A new download route (a shared link, an export of the data store…) without the decorator fails
    here: mark its view @logs_document_access and call record_access before returning the file."""
    routes = file_routes()
    unlogged = sorted(name for name, logged in routes.items() if not logged and name not in NOT_LOGGED)
    assert not unlogged, f"serve a file without @logs_document_access: {unlogged}"
    # The exceptions are real file routes, still there, and not logged.
    assert set(NOT_LOGGED) <= set(routes), set(NOT_LOGGED) - set(routes)
    assert not [name for name in NOT_LOGGED if routes[name]]
    # Each logged route is requested below.
    assert {name for name, logged in routes.items() if logged} == set(REQUESTS)


def test_the_scan_sees_the_known_downloads():
    """The scan itself: the routes the issue names are found (a scan that finds nothing passes nothing)."""
    routes = file_routes()
    for name in ["dossiers:document", "dossiers:stored_file", "staff:slip", "payments:receipt",
                 "e_results:signed_file", "integrations:document", "procedures:form_template"]:  # fmt: skip
        assert name in routes, name


# --- each logged route, requested by someone allowed --------------------------------------------------------
@dataclass
class Scene:
    """A dossier filed online, paid and received by agency X's one-stop shop (the World of staff_support)."""

    owner: object
    clerk: object
    dossier: Dossier
    extra: dict = field(default_factory=dict)


@pytest.fixture
def scene():
    from tests.payments.support import clerk_of, filed, pay, receive

    dossier = filed()
    clerk = clerk_of(dossier)
    attempt = pay(dossier)
    receive(dossier, clerk)
    dossier.refresh_from_db()
    return Scene(owner=dossier.applicant, clerk=clerk, dossier=dossier, extra={"attempt": attempt})


def _document(scene):
    return DossierDocument.objects.filter(dossier=scene.dossier).select_related("stored_file").first()


def _req_document(scene, client):
    document = _document(scene)
    sign_in(client, scene.clerk)
    response = client.get(reverse("dossiers:document", args=[document.pk]))
    return response, {
        "user": scene.clerk,
        "actor_role": "clerk",
        "agency_id": scene.dossier.receiving_agency_id,
        "dossier": scene.dossier,
        "stored_file": document.stored_file,
        "what": DocumentAccess.What.DOCUMENT,
        "file_name": document.stored_file.original_name,
        "via": DocumentAccess.Via.WEB,
    }


def _req_stored_file(scene, client):
    stored = _document(scene).stored_file
    client.force_login(scene.owner)
    response = client.get(reverse("dossiers:stored_file", args=[stored.pk]))
    return response, {
        "user": scene.owner,
        "actor_role": "citizen",
        "agency_id": None,
        "dossier": None,
        "stored_file": stored,
        "what": DocumentAccess.What.STORED_FILE,
    }


def _req_slip(scene, client):
    client.force_login(scene.owner)
    response = client.get(reverse("staff:slip", args=[scene.dossier.pk, "receipt"]))
    return response, {
        "user": scene.owner,
        "agency_id": None,
        "dossier": scene.dossier,
        "stored_file": None,
        "what": DocumentAccess.What.SLIP,
    }


def _req_receipt(scene, client):
    client.force_login(scene.owner)
    response = client.get(reverse("payments:receipt", args=[scene.extra["attempt"].pk]))
    return response, {"user": scene.owner, "dossier": scene.dossier, "what": DocumentAccess.What.RECEIPT}


def _req_voucher(scene, client):
    from payments.models import Refund
    from tests.payments.support import clerk_of, filed, pay

    dossier = filed()
    pay(dossier)
    clerk = clerk_of(dossier)
    dossier_services.refuse(
        dossier=Dossier.objects.get(pk=dossier.pk), clerk=clerk, reason="Không thuộc địa bàn"
    )
    refund = Refund.objects.get(dossier=dossier)
    sign_in(client, clerk)
    response = client.get(reverse("payments:voucher", args=[refund.pk]))
    return response, {
        "user": clerk,
        "agency_id": dossier.receiving_agency_id,
        "dossier": dossier,
        "what": DocumentAccess.What.VOUCHER,
    }


def _req_signed_file(scene, client):
    from e_results.models import SignedResult

    stored = StoredFile.objects.create(
        owner=scene.owner,
        file=ContentFile(PDF_BYTES, name="ket-qua.pdf"),
        original_name="ket-qua-ky-so.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
    )
    document = DossierDocument.objects.create(
        dossier=scene.dossier, stored_file=stored, kind=DossierDocument.Kind.RESULT
    )
    result = SignedResult.objects.create(
        dossier=scene.dossier,
        document=document,
        signed_file=stored,
        status=SignedResult.Status.SIGNED,
        result_number=f"{scene.dossier.code}/KQ1",
    )
    client.force_login(scene.owner)
    response = client.get(reverse("e_results:signed_file", args=[result.pk]))
    return response, {
        "user": scene.owner,
        "dossier": scene.dossier,
        "stored_file": stored,
        "what": DocumentAccess.What.RESULT,
        "file_name": "ket-qua-ky-so.pdf",
    }


def _req_label(scene, client, settings, django_capture_on_commit_callbacks):
    from postal.models import DeliveryOrder
    from tests.postal.support import approved_by_post, make_result_ready

    settings.POSTAL_SANDBOX_FAILURE_RATE = 0.0
    case = approved_by_post(fee=30_000)
    with django_capture_on_commit_callbacks(execute=True):
        make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    sign_in(client, case.desk.clerk)
    response = client.get(reverse("postal:label", args=[order.pk]))
    return response, {
        "user": case.desk.clerk,
        "agency_id": case.desk.agency.pk,
        "dossier": case.dossier,
        "what": DocumentAccess.What.LABEL,
    }


def _req_api_document(scene, client):
    from tests.integrations.support import api_client

    _api, headers = api_client([scene.dossier.receiving_agency], name="Hệ thống một cửa điện tử")
    document = _document(scene)
    url = reverse("integrations:document", args=[scene.dossier.code, document.pk])
    response = client.get(url, **headers)
    return response, {
        "user": None,
        "actor_name": "Hệ thống một cửa điện tử",
        "agency_id": scene.dossier.receiving_agency_id,
        "dossier": scene.dossier,
        "stored_file": document.stored_file,
        "what": DocumentAccess.What.DOCUMENT,
        "via": DocumentAccess.Via.API,
    }


def _req_shared_file(scene, client):
    from dossiers.models import StoredFileShare

    stored = _document(scene).stored_file
    share = StoredFileShare.objects.create(
        stored_file=stored, created_by=scene.owner, expires_at=clock.now() + datetime.timedelta(days=1)
    )
    response = client.get(reverse("dossiers:shared_file", args=[share.token]))  # nobody signed in
    return response, {
        "user": None,
        "actor_name": "",
        "agency_id": None,
        "dossier": None,
        "stored_file": stored,
        "what": DocumentAccess.What.SHARE_LINK,
        "via": DocumentAccess.Via.SHARE,
    }


REQUESTS = {
    "dossiers:shared_file": _req_shared_file,
    "dossiers:document": _req_document,
    "dossiers:stored_file": _req_stored_file,
    "staff:slip": _req_slip,
    "payments:receipt": _req_receipt,
    "payments:voucher": _req_voucher,
    "e_results:signed_file": _req_signed_file,
    "postal:label": _req_label,
    "integrations:document": _req_api_document,
}


@pytest.mark.parametrize("route", sorted(REQUESTS))
def test_opening_a_file_leaves_one_row_saying_who_what_and_when(
    route, scene, settings, django_capture_on_commit_callbacks
):
    request = REQUESTS[route]
    client = Client(REMOTE_ADDR="203.113.1.7")
    extra = {"settings": settings, "django_capture_on_commit_callbacks": django_capture_on_commit_callbacks}
    wanted = set(inspect.signature(request).parameters) - {"scene", "client"}
    before = set(DocumentAccess.objects.values_list("pk", flat=True))
    response, expected = request(scene, client, **{name: extra[name] for name in wanted})
    assert response.status_code == 200, response.status_code
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end: the test client then closes the file
    rows = list(DocumentAccess.objects.exclude(pk__in=before))
    assert len(rows) == 1, rows
    row = rows[0]
    assert row.route_name == route
    assert row.client_ip_hash == ip_digest("203.113.1.7") and "203.113.1.7" not in row.client_ip_hash
    assert abs(row.at - clock.now()) < datetime.timedelta(minutes=1)
    assert row.file_name and row.file_name in response["Content-Disposition"]
    for name, value in expected.items():
        got = getattr(row, name)
        assert got == value, (name, got, value)
    subject = row.dossier.applicant if row.dossier else row.stored_file.owner
    assert row.subject == subject


# --- one INSERT, nothing else -------------------------------------------------------------------------------
def test_logging_a_download_costs_one_insert_and_no_other_query(scene):
    """The same download with and without the log: the log adds exactly one statement, an INSERT (the
    staff member's agency is read inside it)."""
    document = _document(scene)
    client = Client()
    sign_in(client, scene.clerk)
    url = reverse("dossiers:document", args=[document.pk])
    b"".join(client.get(url).streaming_content)  # the session and the user are warm

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            b"".join(response.streaming_content)
        assert response.status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    logged = queries()
    from dossiers.services import access_log

    original = access_log.DocumentAccess.save
    try:
        access_log.DocumentAccess.save = lambda self, *args, **kwargs: None
        unlogged = queries()
    finally:
        access_log.DocumentAccess.save = original
    assert len(logged) == len(unlogged) + 1
    touching = [sql for sql in logged if "dossiers_documentaccess" in sql]
    assert len(touching) == 1 and touching[0].startswith("INSERT INTO"), touching


# --- the log is the audit: no row, no file ------------------------------------------------------------------
def test_a_marked_view_that_forgets_to_log_serves_nothing(rf):
    from common.downloads import private_download

    @logs_document_access
    def forgetful(request):
        return private_download(b"%PDF-1.4", filename="x.pdf")

    with pytest.raises(AccessNotRecorded):
        forgetful(rf.get("/"))


def test_when_the_row_cannot_be_written_the_file_is_not_served(scene, monkeypatch):
    from django.db import DatabaseError

    def broken(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(DocumentAccess, "save", broken)
    client = Client(raise_request_exception=False)
    sign_in(client, scene.clerk)
    response = client.get(reverse("dossiers:document", args=[_document(scene).pk]))
    assert response.status_code == 500
    assert not response.has_header("Content-Disposition")


def test_access_rows_cannot_be_changed_or_deleted(scene):
    from common.audit import AppendOnlyError

    row = record_access(what="document", file_name="a.pdf", route_name="x", user=scene.owner)
    row.file_name = "b.pdf"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        DocumentAccess.objects.filter(pk=row.pk).delete()


# --- the citizen's lists ------------------------------------------------------------------------------------
def _open_as(client, user, document):
    sign_in(client, user) if user.is_staff_role else client.force_login(user)
    response = client.get(reverse("dossiers:document", args=[document.pk]))
    b"".join(response.streaming_content)


def test_the_applicant_sees_who_opened_the_files_of_their_dossier(scene):
    document = _document(scene)
    _open_as(Client(), scene.clerk, document)
    owner = Client()
    _open_as(owner, scene.owner, document)
    owner.cookies.clear()
    owner.force_login(scene.owner)
    page = owner.get(reverse("dossiers:detail", args=[scene.dossier.pk]), HTTP_ACCEPT_LANGUAGE="vi").content
    text = page.decode()
    assert "Ai đã xem giấy tờ của tôi" in text
    assert (
        f"{scene.clerk.full_name}, Công chức Bộ phận Một cửa, {scene.dossier.receiving_agency.name}" in text
    )
    assert f"Ông/Bà đã mở {document.stored_file.original_name}" in text


def test_the_dossier_page_shows_the_latest_ten_and_links_to_all(scene, django_assert_max_num_queries):
    for number in range(12):
        record_access(
            what="document", file_name=f"giay-to-{number}.pdf", route_name="x", user=scene.clerk,
            dossier=scene.dossier,
        )  # fmt: skip
    client = Client()
    client.force_login(scene.owner)
    text = client.get(reverse("dossiers:detail", args=[scene.dossier.pk])).content.decode()
    assert "giay-to-11.pdf" in text and "giay-to-2.pdf" in text and "giay-to-1.pdf" not in text
    all_url = reverse("dossiers:accesses", args=[scene.dossier.pk])
    assert all_url in text
    client.get(all_url)
    with django_assert_max_num_queries(12) as captured:
        full = client.get(all_url).content.decode()
    assert all(f"giay-to-{number}.pdf" in full for number in range(12))
    assert sum("documentaccess" in query["sql"] for query in captured.captured_queries) == 2  # count + page


def test_the_list_page_reads_a_fixed_number_of_queries_whatever_the_rows(scene):
    client = Client()
    client.force_login(scene.owner)
    url = reverse("dossiers:accesses", args=[scene.dossier.pk])
    record_access(what="document", file_name="a.pdf", route_name="x", user=scene.clerk, dossier=scene.dossier)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    clerk_b = staff_member(scene.dossier.receiving_agency, full_name="Lê Thị Hoa")
    for who in [scene.clerk, clerk_b, scene.owner] * 10:
        record_access(what="document", file_name="a.pdf", route_name="x", user=who, dossier=scene.dossier)
    assert count() == few


def test_nobody_else_reads_the_list_of_a_dossier(scene):
    other = CitizenProfileFactory().user
    client = Client()
    client.force_login(other)
    assert client.get(reverse("dossiers:accesses", args=[scene.dossier.pk])).status_code == 404


def test_the_data_store_list_shows_files_opened_outside_a_dossier(scene):
    stored = _document(scene).stored_file
    record_access(what="stored_file", file_name=stored.original_name, route_name="x", user=scene.owner,
                  stored_file=stored)  # fmt: skip
    record_access(what="share_link", file_name=stored.original_name, route_name="x", via="share",
                  stored_file=stored)  # fmt: skip
    record_access(what="document", file_name="in-a-dossier.pdf", route_name="x", user=scene.clerk,
                  dossier=scene.dossier, stored_file=stored)  # fmt: skip
    client = Client()
    client.force_login(scene.owner)
    text = client.get(reverse("dossiers:data_store_accesses"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f"Ông/Bà đã mở {stored.original_name}" in text
    assert "Người giữ đường link Ông/Bà chia sẻ" in text
    assert "in-a-dossier.pdf" not in text
    other = Client()
    other.force_login(CitizenProfileFactory().user)
    assert stored.original_name not in other.get(reverse("dossiers:data_store_accesses")).content.decode()


# --- the auditors' export -----------------------------------------------------------------------------------
def _superuser():
    return UserFactory(is_superuser=True, is_staff=True, role="catalogue_admin")


def test_auditors_export_a_period_of_one_agency_as_csv(scene):
    record_access(what="document", file_name="=HYPERLINK(x).pdf", route_name="dossiers:document",
                  user=scene.clerk, dossier=scene.dossier, client_ip="1.2.3.4")  # fmt: skip
    elsewhere = staff_member(AgencyFactory(), full_name="Đỗ Văn Khác")  # no agency of this dossier
    record_access(what="slip", file_name="other.pdf", route_name="staff:slip", user=elsewhere,
                  dossier=scene.dossier)  # fmt: skip
    client = Client()
    sign_in(client, _superuser())
    today = timezone.localdate()
    response = client.get(
        reverse("staff:access_export"),
        {"date_from": today.isoformat(), "date_to": today.isoformat(),
         "agency": scene.dossier.receiving_agency_id},
    )  # fmt: skip
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content).decode("utf-8")
    lines = body.strip().split("\r\n")
    assert lines[0].startswith("\ufeffThời điểm")
    assert len(lines) == 2  # the header and the clerk's opening (the other one is of no agency of X)
    assert "'=HYPERLINK(x).pdf" in body and scene.clerk.full_name in body and "other.pdf" not in body
    assert ip_digest("1.2.3.4") in body and "1.2.3.4" not in body
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    response = client.get(reverse("staff:access_export"), {"date_from": yesterday, "date_to": yesterday})
    assert len(b"".join(response.streaming_content).decode().strip().split("\r\n")) == 1


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date_from": "2026-13-01", "date_to": "2026-01-31"}, "Nhập một ngày hợp lệ"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-31"}, "trước ngày bắt đầu"),
        ({"date_from": "2024-01-01", "date_to": "2026-01-31"}, "tối đa 366 ngày"),
        ({"date_from": "2026-01-01", "date_to": "2026-01-31", "agency": "999999"}, "Hãy chọn"),
    ],
)
def test_bad_dates_get_a_clear_message_not_a_file(query, message):
    client = Client()
    sign_in(client, _superuser(), language="vi")
    response = client.get(reverse("staff:access_export"), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_only_auditors_export(scene):
    client = Client()
    sign_in(client, scene.clerk)
    assert client.get(reverse("staff:access_export")).status_code == 403
    citizen = Client()
    citizen.force_login(scene.owner)
    assert citizen.get(reverse("staff:access_export")).status_code == 403
