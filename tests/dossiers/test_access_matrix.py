"""The access matrix: every URL of dossiers/urls.py and dossiers/staff_urls.py — each step of the wizard,
each action on a dossier, each slip, each kind of document — opened (GET) and, where the URL takes one,
posted to (POST) by each of ten people:

    anonymous         not signed in
    owner             citizen A, the applicant
    helper            a citizen A authorised to act for them on all their dossiers (ủy quyền)
    citizen_b         another citizen
    clerk_x           one-stop-shop clerk of agency X, which receives and handles the dossier
    officer_x         officer of agency X
    supervisor_x      officer of agency X who supervises (approves supplement requests during processing)
    clerk_y           clerk of another agency, Y
    catalogue_admin   staff, no agency
    superuser         sees every dossier, acts for no agency

Each cell is one test id, e.g. `test_access[staff:act receive POST-officer_x]`. A cell says what the person
gets: the page (200), a redirect after a successful POST (302), the sign-in page (anonymous), 403 (a page
that is not for their role, or an action they may not take) or 404 (a dossier or agency that does not
exist for them), or 405. A refused cell and every GET also prove the database did not change; a
successful POST proves it did. Downloads served must be what they claim (PDF, XLSX).

The rows are checked against the urlconf: a new URL (or action, slip kind, wizard step, document kind)
without a row fails `test_every_dossier_url_has_a_row`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from http.cookies import SimpleCookie

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from accounts.models import User
from common import clock
from dossiers import consent, services, slips, working_days
from dossiers.models import (
    Apology,
    Authorisation,
    DocumentAccess,
    Dossier,
    DossierDocument,
    DossierEvent,
    StoredFile,
    StoredFileShare,
    SupplementRequest,
)
from dossiers.services import authorisations
from dossiers.staff_forms import ACTION_FORMS
from dossiers.views.citizen import STEP_NAMES
from tests.dossiers.factories_extra import sign_in
from tests.factories import (
    PURPOSE,
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    UserFactory,
    pdf_upload,
    staff_member,
)

pytestmark = pytest.mark.django_db

ACTORS = (
    "anonymous",
    "owner",
    "helper",
    "citizen_b",
    "clerk_x",
    "officer_x",
    "supervisor_x",
    "clerk_y",
    "catalogue_admin",
    "superuser",
)

# What a cell expects. LOGIN: a redirect to the sign-in page. HIDDEN: 200, but the row's marker (the
# dossier's code, the agency's name…) must not be on the page — a list of one's own things, empty of others'.
OK, DONE, LOGIN, HIDDEN = 200, 302, "login", "hidden"
INVALID, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 400, 403, 404, 405
MOVED = "moved"  # a GET that sends the person on (302), changing nothing


def cells(**by_actor):
    """A full row of expectations; every actor must be named. The helper, who holds a live authorisation
    from the owner covering all their dossiers, gets what the owner gets unless the row says otherwise."""
    by_actor.setdefault("helper", by_actor.get("owner"))
    assert set(by_actor) == set(ACTORS), set(ACTORS) ^ set(by_actor)
    return by_actor


def citizen_page(owner=OK, citizen_b=NOT_FOUND):
    """A page of the citizen's own dossier: staff accounts get 403 (they file at the desk)."""
    return cells(
        anonymous=LOGIN,
        owner=owner,
        citizen_b=citizen_b,
        clerk_x=FORBIDDEN,
        officer_x=FORBIDDEN,
        supervisor_x=FORBIDDEN,
        clerk_y=FORBIDDEN,
        catalogue_admin=FORBIDDEN,
        superuser=FORBIDDEN,
    )


def dossier_file(owner=OK, agency_x=OK, superuser=OK):
    """A file of a dossier (document, slip): the applicant, staff of agency X, the superuser."""
    return cells(
        anonymous=LOGIN,
        owner=owner,
        citizen_b=NOT_FOUND,
        clerk_x=agency_x,
        officer_x=agency_x,
        supervisor_x=agency_x,
        clerk_y=NOT_FOUND,
        catalogue_admin=NOT_FOUND,
        superuser=superuser,
    )


def agency_page(officer=OK, superuser=OK):
    """A page of agency X's back office: its members; other agencies' staff get 404; citizens 403."""
    return cells(
        anonymous=LOGIN,
        owner=FORBIDDEN,
        citizen_b=FORBIDDEN,
        clerk_x=OK,
        officer_x=officer,
        supervisor_x=officer,
        clerk_y=NOT_FOUND,
        catalogue_admin=NOT_FOUND,
        superuser=superuser,
    )


def staff_action(clerk=FORBIDDEN, officer=FORBIDDEN, supervisor=None):
    """POST an action on a dossier of agency X. Only X's staff see the dossier (others: 404); which of
    them may act is the service's rule (403 otherwise). The superuser sees it but acts for no agency."""
    return cells(
        anonymous=LOGIN,
        owner=FORBIDDEN,
        citizen_b=FORBIDDEN,
        clerk_x=clerk,
        officer_x=officer,
        supervisor_x=officer if supervisor is None else supervisor,
        clerk_y=NOT_FOUND,
        catalogue_admin=NOT_FOUND,
        superuser=FORBIDDEN,
    )


STAFF_AND_CITIZENS = [
    "owner",
    "citizen_b",
    "clerk_x",
    "officer_x",
    "supervisor_x",
    "clerk_y",
    "catalogue_admin",
]
EVERYONE_OK = cells(**dict.fromkeys(ACTORS, OK))


# --- the people and the dossiers --------------------------------------------------------------------------
class Scene:
    """Agency X receives and decides the procedure; agency Y is another office. People are made on first
    use; dossiers are walked to their state through the services, as in real life."""

    def __init__(self):
        self.agency_x = AgencyFactory(name="UBND phường Hoa Lư")
        self.agency_y = AgencyFactory(name="UBND xã Gia Viễn")
        self.version = ProcedureVersionFactory(
            published=True, name="Cấp bản sao trích lục hộ tịch", agencies=[self.agency_x]
        )
        self.partial_version = ProcedureVersionFactory(
            published=True, partial=True, name="Đăng ký kết hôn", agencies=[self.agency_x]
        )

    # people
    @cached_property
    def owner(self):
        return CitizenProfileFactory(
            full_name="Nguyễn Thị Chủ Hồ Sơ", user__full_name="Nguyễn Thị Chủ Hồ Sơ"
        ).user

    @cached_property
    def helper(self):
        """Authorised by the owner for all their dossiers, for 30 days (ủy quyền)."""
        helper = CitizenProfileFactory(full_name="Lê Văn Giúp Đỡ", user__full_name="Lê Văn Giúp Đỡ").user
        self.authorisation = authorisations.grant(
            citizen=self.owner,
            helper_named=helper.email,
            scope="all",
            expires_on=clock.localdate() + datetime.timedelta(days=30),
            consent_version=consent.CURRENT_VERSION,
            session_key="",
        )
        return helper

    @cached_property
    def citizen_b(self):
        return CitizenProfileFactory().user

    @cached_property
    def clerk_x(self):
        return staff_member(self.agency_x, full_name="Cán bộ một cửa X")

    @cached_property
    def officer_x(self):
        return staff_member(self.agency_x, role="officer", full_name="Chuyên viên X")

    @cached_property
    def supervisor_x(self):
        return staff_member(self.agency_x, role="officer", is_supervisor=True, full_name="Trưởng phòng X")

    @cached_property
    def clerk_y(self):
        return staff_member(self.agency_y, full_name="Cán bộ một cửa Y")

    @cached_property
    def catalogue_admin(self):
        return UserFactory(catalogue_admin=True)

    @cached_property
    def superuser(self):
        return User.objects.create_superuser(email="root@example.vn", password="correct-horse-42")

    def person(self, actor: str):
        return None if actor == "anonymous" else getattr(self, actor)

    # dossiers of the owner, at agency X
    def draft(self, version=None) -> Dossier:
        """A draft ready to be filed: purpose given, every required document attached."""
        dossier = services.start_draft(
            version=version or self.version, applicant=self.owner, form_data=PURPOSE
        )
        dossier = services.update_draft(
            dossier=dossier, by=self.owner, form_data={"purpose": "Cấp 02 bản sao trích lục khai sinh"}
        )
        for required in dossier.procedure_version.documents.all():
            services.attach_upload(
                dossier=dossier,
                required_document=required,
                uploaded=pdf_upload(f"giay-to-cua-chu-ho-so-{required.pk}.pdf"),
                by=self.owner,
            )
        return dossier

    def submitted(self, version=None) -> Dossier:
        return services.submit(dossier=self.draft(version), by=self.owner)

    def supplement_requested(self) -> Dossier:
        dossier = self.submitted()
        services.request_supplement(
            dossier=dossier,
            by=self.clerk_x,
            items=list(dossier.procedure_version.documents.all()[:1]),
            details="",
            reason="Bản chụp bị mờ",
        )
        return reload(dossier)

    def with_supplement_document(self) -> Dossier:
        dossier = self.supplement_requested()
        services.attach_upload(
            dossier=dossier,
            required_document=dossier.procedure_version.documents.first(),
            uploaded=pdf_upload("bo-sung.pdf"),
            by=self.owner,
            kind=DossierDocument.Kind.SUPPLEMENT,
        )
        return reload(dossier)

    def refused(self) -> Dossier:
        return services.refuse(dossier=self.submitted(), clerk=self.clerk_x, reason="Không thuộc thẩm quyền")

    def received(self) -> Dossier:
        return services.receive(dossier=self.submitted(), clerk=self.clerk_x)

    def in_progress(self) -> Dossier:
        """Received at X's desk and handed to X's own office, which decides."""
        return services.transfer(dossier=self.received(), by=self.clerk_x, to_agency=self.agency_x)

    def with_proposal(self) -> Dossier:
        """In processing, with a supplement request an officer proposed, waiting for the supervisor."""
        dossier = self.in_progress()
        services.request_supplement(
            dossier=dossier,
            by=self.officer_x,
            items=list(dossier.procedure_version.documents.all()[:1]),
            details="",
            reason="Cần bản sao có chứng thực",
        )
        return reload(dossier)

    def with_apology(self) -> Dossier:
        dossier = self.in_progress()
        services.issue_apology(
            dossier=dossier,
            by=self.officer_x,
            new_due_date=working_days.add_working_days(dossier.due_date, 3),
            reason="Cần xác minh",
            signed_by="Chủ tịch UBND phường",
        )
        return reload(dossier)

    def stopped(self) -> Dossier:
        return services.stop(dossier=self.in_progress(), by=self.officer_x, reason="Người nộp đề nghị dừng")

    def approved(self) -> Dossier:
        return services.approve(
            dossier=self.in_progress(), officer=self.officer_x, result_file=pdf_upload("ket-qua.pdf")
        )

    def result_ready(self) -> Dossier:
        return services.mark_result_ready(dossier=self.approved(), by=self.clerk_x)

    def returned(self) -> Dossier:
        return services.mark_returned(dossier=self.result_ready(), by=self.clerk_x)

    # authorisations (ủy quyền)
    def granted(self) -> Authorisation:
        """The owner's authorisation of the helper, in force."""
        return self.authorisation

    def requested(self) -> Authorisation:
        """The helper asks the owner for one procedure: waiting for the owner's approval."""
        return authorisations.request_authorisation(
            helper=self.helper,
            citizen_named=self.owner.email,
            scope="procedure",
            procedure=self.version.procedure,
            expires_on=clock.localdate() + datetime.timedelta(days=30),
        )

    def submitted_partial(self) -> Dossier:
        """A partial-service procedure: the originals must be checked at the desk before receipt."""
        return self.submitted(self.partial_version)


def reload(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def document_of(dossier: Dossier, kind: str) -> DossierDocument:
    return dossier.documents.filter(kind=kind).order_by("pk").first()


def snapshot() -> dict:
    """Everything a request could change, read from the database."""
    return {
        "dossiers": list(Dossier.objects.order_by("pk").values()),
        "events": DossierEvent.objects.count(),
        "documents": list(DossierDocument.objects.order_by("pk").values_list("pk", "kind")),
        "stored_files": list(
            StoredFile.objects.order_by("pk").values_list("pk", "kind_id", "issuer", "number", "valid_until")
        ),
        "shares": list(StoredFileShare.objects.order_by("pk").values_list("pk", "revoked_at")),
        "requests": list(SupplementRequest.objects.order_by("pk").values_list("pk", "status")),
        "apologies": Apology.objects.count(),
        "authorisations": list(
            Authorisation.objects.order_by("pk").values_list("pk", "status", "code_hash", "code_attempts")
        ),
    }


# --- the rows ---------------------------------------------------------------------------------------------
# URLs that serve files people uploaded (common.downloads.user_file), not documents the portal generated.
UPLOADED_FILES = {"dossiers:document", "dossiers:stored_file", "dossiers:shared_file"}


@dataclass(frozen=True)
class Row:
    """One URL with one method. `setup` makes the target; `url` builds the address from it; `data` is the
    POST body; `marker` (optional) is text that must be on a 200 page (and absent from a HIDDEN one);
    `download` the content type a served file must have."""

    name: str  # the URL name, e.g. "staff:act"
    variant: str  # what distinguishes rows of one URL name ("receive", "result document"…)
    method: str
    setup: Callable[[Scene], object]
    url: Callable[[Scene, object], str]
    expect: dict
    data: Callable[[Scene, object], dict] | None = None
    marker: Callable[[Scene, object], str] | None = None
    download: str = ""
    covers: tuple = field(default=())  # e.g. ("action", "receive"): what the coverage test counts

    @property
    def id(self) -> str:
        return " ".join(part for part in [self.name, self.variant, self.method] if part)


def at(name: str, *args) -> Callable[[Scene, object], str]:
    """The URL `name` with args computed from (scene, target)."""

    def build(scene, target):
        return reverse(name, args=[arg(scene, target) if callable(arg) else arg for arg in args])

    return build


def pk(scene, target):
    return target.pk


def code_of(scene, target):
    return target.code


def x_code(scene, target):
    return scene.agency_x.code


def national_code(scene, target):
    return scene.version.procedure.national_code


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# wizard step → (what the owner's POST gets, the POST body)
WIZARD_POSTS = {
    "applicant": (
        DONE,
        lambda scene, target: {
            "applicant_name": "Nguyễn Thị Chủ Hồ Sơ",
            "applicant_phone": "0912345678",
            "applicant_address": "Số 1 phố Mới",
        },
    ),
    "details": (DONE, lambda scene, target: {"purpose": "Cấp 03 bản sao", "notes": ""}),
    "documents": (
        DONE,
        lambda scene, target: {
            "action": "upload",
            "slot": str(target.procedure_version.documents.first().pk),
            f"slot-{target.procedure_version.documents.first().pk}-file": pdf_upload("them.pdf"),
        },
    ),
    "delivery": (
        DONE,
        lambda scene, target: {"return_channel": "post", "delivery_address": "Số 1 phố Mới, phường Hoa Lư"},
    ),
    "review": (OK, lambda scene, target: {}),  # the review page only shows; filing is dossiers:submit
}


def citizen_rows() -> list[Row]:
    rows = [
        Row(
            "dossiers:mine",
            "",
            "GET",
            Scene.submitted,
            at("dossiers:mine"),
            citizen_page(citizen_b=HIDDEN),
            marker=code_of,
        ),
        Row(
            "dossiers:start",
            "",
            "GET",
            Scene.submitted,
            at("dossiers:start", national_code),
            citizen_page(citizen_b=OK),
            marker=lambda scene, target: scene.version.name,
        ),
        Row(
            "dossiers:start",
            "",
            "POST",
            lambda scene: None,
            at("dossiers:start", national_code),
            citizen_page(owner=DONE, citizen_b=DONE),
            data=lambda scene, target: {},
        ),
        Row(
            "dossiers:detail",
            "",
            "GET",
            Scene.submitted,
            at("dossiers:detail", pk),
            citizen_page(),
            marker=code_of,
        ),
    ]
    for step in STEP_NAMES:
        rows.append(
            Row(
                "dossiers:wizard",
                step,
                "GET",
                Scene.draft,
                at("dossiers:wizard", pk, step),
                citizen_page(),
                covers=("step", step),
            )
        )
    for step, (owner, data) in WIZARD_POSTS.items():
        rows.append(
            Row(
                "dossiers:wizard",
                step,
                "POST",
                Scene.draft,
                at("dossiers:wizard", pk, step),
                citizen_page(owner=owner),
                data=data,
                covers=("step posted", step),
            )
        )
    rows += [
        Row(
            "dossiers:submit",
            "",
            "GET",
            Scene.draft,
            at("dossiers:submit", pk),
            # The method is checked before the owner: a 405 says nothing about the dossier.
            citizen_page(owner=NOT_ALLOWED, citizen_b=NOT_ALLOWED),
        ),
        Row(
            "dossiers:submit",
            "",
            "POST",
            Scene.draft,
            at("dossiers:submit", pk),
            citizen_page(owner=DONE),
            data=lambda scene, target: {},
        ),
        Row(
            "dossiers:answer_supplement",
            "",
            "GET",
            Scene.supplement_requested,
            at("dossiers:answer_supplement", pk),
            citizen_page(),
            marker=lambda scene, target: "Bản chụp bị mờ",
        ),
        Row(
            "dossiers:answer_supplement",
            "",
            "POST",
            Scene.supplement_requested,
            at("dossiers:answer_supplement", pk),
            citizen_page(owner=DONE),
            data=lambda scene, target: _supplement_upload(target),
        ),
        Row(
            "dossiers:withdraw",
            "",
            "GET",
            Scene.submitted,
            at("dossiers:withdraw", pk),
            citizen_page(),
            marker=code_of,
        ),
        Row(
            "dossiers:withdraw",
            "",
            "POST",
            Scene.submitted,
            at("dossiers:withdraw", pk),
            citizen_page(owner=DONE),
            data=lambda scene, target: {"reason": "Không cần nữa"},
        ),
        Row(
            "dossiers:discard_draft",
            "",
            "GET",
            Scene.draft,
            at("dossiers:discard_draft", pk),
            citizen_page(),
            marker=lambda scene, target: target.procedure_version.name,
        ),
        Row(
            "dossiers:discard_draft",
            "",
            "POST",
            Scene.draft,
            at("dossiers:discard_draft", pk),
            citizen_page(owner=DONE),
            data=lambda scene, target: {},
        ),
        Row(
            "dossiers:document",
            "application",
            "GET",
            Scene.submitted,
            lambda scene, target: reverse(
                "dossiers:document", args=[document_of(target, DossierDocument.Kind.APPLICATION).pk]
            ),
            dossier_file(),
            download=PDF,
            covers=("document", DossierDocument.Kind.APPLICATION),
        ),
        Row(
            "dossiers:document",
            "application of a draft",
            "GET",
            Scene.draft,
            lambda scene, target: reverse(
                "dossiers:document", args=[document_of(target, DossierDocument.Kind.APPLICATION).pk]
            ),
            dossier_file(agency_x=NOT_FOUND),  # staff never see a citizen's draft
            download=PDF,
        ),
        Row(
            "dossiers:document",
            "supplement",
            "GET",
            Scene.with_supplement_document,
            lambda scene, target: reverse(
                "dossiers:document", args=[document_of(target, DossierDocument.Kind.SUPPLEMENT).pk]
            ),
            dossier_file(),
            download=PDF,
            covers=("document", DossierDocument.Kind.SUPPLEMENT),
        ),
        Row(
            "dossiers:document",
            "result",
            "GET",
            Scene.returned,
            lambda scene, target: reverse(
                "dossiers:document", args=[document_of(target, DossierDocument.Kind.RESULT).pk]
            ),
            dossier_file(),
            download=PDF,
            covers=("document", DossierDocument.Kind.RESULT),
        ),
        Row(
            "dossiers:data_store",
            "",
            "GET",
            Scene.submitted,
            at("dossiers:data_store"),
            citizen_page(citizen_b=HIDDEN) | {"helper": HIDDEN},  # the helper's own data store
            marker=lambda scene, target: "giay-to-cua-chu-ho-so",
        ),
        Row(
            "dossiers:stored_file",
            "",
            "GET",
            Scene.submitted,
            lambda scene, target: reverse(
                "dossiers:stored_file",
                args=[document_of(target, DossierDocument.Kind.APPLICATION).stored_file_id],
            ),
            # Only its owner: staff open a dossier's files through the dossier (dossiers:document).
            cells(
                anonymous=LOGIN,
                owner=OK,
                **dict.fromkeys(
                    [
                        "helper",
                        "citizen_b",
                        "clerk_x",
                        "officer_x",
                        "supervisor_x",
                        "clerk_y",
                        "catalogue_admin",
                    ],
                    NOT_FOUND,
                ),
                superuser=NOT_FOUND,
            ),
            download=PDF,
        ),
        Row(
            "dossiers:accesses",
            "",
            "GET",
            Scene.submitted,
            at("dossiers:accesses", pk),
            citizen_page(),  # who opened my documents: the applicant (and their helper) only
            marker=lambda scene, target: scene.version.name,
        ),
        Row(
            "dossiers:data_store_accesses",
            "",
            "GET",
            Scene.submitted,
            at("dossiers:data_store_accesses"),
            citizen_page(citizen_b=OK),  # everyone's own list
        ),
        Row(
            "dossiers:lookup",
            "",
            "GET",
            Scene.submitted,
            lambda scene, target: (
                reverse("dossiers:lookup")
                + "?"
                + urlencode({"code": target.code, "digits": target.applicant_phone[-4:]})
            ),
            EVERYONE_OK,  # public, no sign-in
            marker=lambda scene, target: scene.version.name,
        ),
    ]
    return rows + authorisation_rows() + data_store_rows()


def _stored_file_of(scene, target):
    return document_of(target, DossierDocument.Kind.APPLICATION).stored_file_id


def _shared(scene) -> StoredFileShare:
    """A live link to the submitted dossier's first file, made by its owner."""
    dossier = scene.submitted()
    stored = document_of(dossier, DossierDocument.Kind.APPLICATION).stored_file
    return services.share_stored_file(stored_file=stored, by=scene.owner, days=7)


def _token(scene, target):
    return target.token


def data_store_rows() -> list[Row]:
    """The data store (issue 16): describing and sharing one's own files, the public shared link, and
    digitising at the desk."""
    own_file = citizen_page(owner=DONE) | {"helper": NOT_FOUND}  # a helper acts on dossiers, not files
    return [
        Row(
            "dossiers:describe_file",
            "",
            "POST",
            Scene.submitted,
            at("dossiers:describe_file", _stored_file_of),
            own_file,
            data=lambda scene, target: {"issuer": "Công an tỉnh Ninh Bình", "number": "012345"},
        ),
        Row(
            "dossiers:share_file",
            "",
            "POST",
            Scene.submitted,
            at("dossiers:share_file", _stored_file_of),
            own_file,
            data=lambda scene, target: {"days": "7"},
        ),
        Row(
            "dossiers:revoke_share",
            "",
            "POST",
            _shared,
            at("dossiers:revoke_share", pk),
            own_file,
            data=lambda scene, target: {},
        ),
        Row(
            "dossiers:shared_file",
            "",
            "GET",
            _shared,
            at("dossiers:shared_file", _token),
            EVERYONE_OK,  # whoever holds the link, signed in or not
            download=PDF,
        ),
        Row(
            "staff:digitise",
            "",
            "POST",
            Scene.submitted,
            at("staff:digitise", pk),
            staff_action(clerk=DONE),
            data=lambda scene, target: {
                "required_document": target.procedure_version.documents.first().pk,
                "file": pdf_upload("ban-so-hoa.pdf"),
                "attested": "on",
            },
        ),
    ]


def authorisation_page(owner=OK, helper=OK, citizen_b=OK):
    """A page of acting on behalf: citizens only (staff get 403)."""
    return citizen_page(owner=owner, citizen_b=citizen_b) | {"helper": helper}


def _helper_name(scene, target):
    return scene.helper.full_name


def _owner_name(scene, target):
    return scene.owner.full_name


def _in_30_days(scene, target):
    return (clock.localdate() + datetime.timedelta(days=30)).isoformat()


def authorisation_rows() -> list[Row]:
    """Ủy quyền: the owner's page (grant, approve, decline, revoke) and the helper's (ask, SMS code, file)."""
    return [
        Row(
            "dossiers:authorisations",
            "",
            "GET",
            Scene.granted,
            at("dossiers:authorisations"),
            authorisation_page(helper=HIDDEN, citizen_b=HIDDEN),  # whom the owner authorised: theirs only
            marker=_helper_name,
        ),
        Row(
            "dossiers:authorisations",
            "",
            "POST",
            Scene.granted,
            at("dossiers:authorisations"),
            authorisation_page(owner=DONE, helper=INVALID, citizen_b=DONE),  # the helper cannot name themself
            data=lambda scene, target: {
                "helper": scene.helper.email,
                "relation": "relative",
                "scope": "all",
                "expires_on": _in_30_days(scene, target),
                "consent_version": consent.CURRENT_VERSION,
                "agree": "on",
            },
        ),
        Row(
            "dossiers:authorisation_act",
            "",
            "GET",
            Scene.granted,
            at("dossiers:authorisation_act", pk, "revoke"),
            authorisation_page(owner=NOT_ALLOWED, helper=NOT_ALLOWED, citizen_b=NOT_ALLOWED),
        ),
        Row(
            "dossiers:authorisation_act",
            "revoke",
            "POST",
            Scene.granted,
            at("dossiers:authorisation_act", pk, "revoke"),
            authorisation_page(owner=DONE, helper=DONE, citizen_b=NOT_FOUND),  # the helper may give it up
            data=lambda scene, target: {},
        ),
        Row(
            "dossiers:authorisation_act",
            "approve",
            "POST",
            Scene.requested,
            at("dossiers:authorisation_act", pk, "approve"),
            # The helper cannot approve their own request: sent back to their page, nothing changed.
            authorisation_page(owner=DONE, helper=MOVED, citizen_b=NOT_FOUND),
            data=lambda scene, target: {"consent_version": consent.CURRENT_VERSION, "agree": "on"},
        ),
        Row(
            "dossiers:authorisation_act",
            "decline",
            "POST",
            Scene.requested,
            at("dossiers:authorisation_act", pk, "decline"),
            authorisation_page(owner=DONE, helper=MOVED, citizen_b=NOT_FOUND),
            data=lambda scene, target: {},
        ),
        Row(
            "dossiers:acting_for",
            "",
            "GET",
            Scene.granted,
            at("dossiers:acting_for"),
            authorisation_page(owner=HIDDEN, helper=OK, citizen_b=HIDDEN),  # whom the helper acts for
            marker=_owner_name,
        ),
        Row(
            "dossiers:acting_for",
            "",
            "POST",
            Scene.granted,
            at("dossiers:acting_for"),
            authorisation_page(owner=INVALID, helper=DONE, citizen_b=DONE),  # the owner cannot ask themself
            data=lambda scene, target: {
                "citizen": scene.owner.email,
                "relation": "digital_team",
                "scope": "all",
                "expires_on": _in_30_days(scene, target),
            },
        ),
        Row(
            "dossiers:authorisation_code",
            "",
            "GET",
            Scene.requested,
            at("dossiers:authorisation_code", pk),
            authorisation_page(owner=NOT_ALLOWED, helper=NOT_ALLOWED, citizen_b=NOT_ALLOWED),
        ),
        Row(
            "dossiers:authorisation_code",
            "",
            "POST",
            Scene.requested,
            at("dossiers:authorisation_code", pk),
            authorisation_page(
                owner=NOT_FOUND, helper=DONE, citizen_b=NOT_FOUND
            ),  # the request's helper only
            data=lambda scene, target: {"action": "send"},
        ),
        Row(
            "dossiers:start_on_behalf",
            "",
            "GET",
            Scene.granted,
            at("dossiers:start_on_behalf", pk),
            authorisation_page(owner=NOT_ALLOWED, helper=NOT_ALLOWED, citizen_b=NOT_ALLOWED),
        ),
        Row(
            "dossiers:start_on_behalf",
            "",
            "POST",
            Scene.granted,
            at("dossiers:start_on_behalf", pk),
            authorisation_page(owner=NOT_FOUND, helper=DONE, citizen_b=NOT_FOUND),
            data=lambda scene, target: {"national_code": scene.version.procedure.national_code},
        ),
    ]


def _supplement_upload(dossier: Dossier) -> dict:
    required = dossier.procedure_version.documents.first()
    return {
        "action": "upload",
        "slot": str(required.pk),
        f"slot-{required.pk}-file": pdf_upload("bo-sung.pdf"),
    }


def _expected_version(target) -> dict:
    return {"expected_version": target.lock_version}


def _proposal(target) -> dict:
    request = target.supplement_requests.get(status=SupplementRequest.Status.PROPOSED)
    return {**_expected_version(target), "request": request.pk}


# action → (the dossier it applies to, the POST body, who may do it)
ACTIONS = {
    "check_originals": (
        Scene.submitted_partial,
        lambda scene, target: {**_expected_version(target), "note": "Đã đối chiếu bản chính"},
        staff_action(clerk=DONE),
    ),
    "receive": (Scene.submitted, lambda scene, target: _expected_version(target), staff_action(clerk=DONE)),
    "request_supplement": (
        Scene.submitted,
        lambda scene, target: {
            **_expected_version(target),
            "items": [target.procedure_version.documents.first().pk],
            "reason": "Bản chụp bị mờ",
        },
        staff_action(clerk=DONE),  # at intake: the one-stop shop only
    ),
    "approve_supplement": (
        Scene.with_proposal,
        lambda scene, target: _proposal(target),
        staff_action(supervisor=DONE),
    ),
    "reject_supplement": (
        Scene.with_proposal,
        lambda scene, target: {**_proposal(target), "note": "Hồ sơ đã đủ"},
        staff_action(supervisor=DONE),
    ),
    "refuse": (
        Scene.submitted,
        lambda scene, target: {
            **_expected_version(target),
            "reason": "Không thuộc thẩm quyền",
            "confirmed": "1",
        },
        staff_action(clerk=DONE),
    ),
    "transfer": (
        Scene.received,
        lambda scene, target: {**_expected_version(target), "to_agency": scene.agency_x.pk},
        staff_action(clerk=DONE),  # from the desk: its clerks
    ),
    "assign": (
        Scene.received,
        lambda scene, target: {**_expected_version(target), "assignee": scene.clerk_x.pk},
        staff_action(clerk=DONE, officer=DONE),
    ),
    "approve": (
        Scene.in_progress,
        lambda scene, target: {**_expected_version(target), "result_file": pdf_upload("ket-qua.pdf")},
        staff_action(officer=DONE),
    ),
    "deny": (
        Scene.in_progress,
        lambda scene, target: {**_expected_version(target), "reason": "Không đủ điều kiện", "confirmed": "1"},
        staff_action(officer=DONE),
    ),
    "result_ready": (
        Scene.approved,
        lambda scene, target: _expected_version(target),
        staff_action(clerk=DONE, officer=DONE),
    ),
    "returned": (
        Scene.result_ready,
        lambda scene, target: _expected_version(target),
        staff_action(clerk=DONE),  # the desk hands the result over
    ),
    "stop": (
        Scene.in_progress,
        lambda scene, target: {
            **_expected_version(target),
            "reason": "Người nộp đề nghị dừng",
            "confirmed": "1",
        },
        staff_action(clerk=DONE, officer=DONE),
    ),
    "apology": (
        Scene.in_progress,
        lambda scene, target: {
            **_expected_version(target),
            "new_due_date": working_days.add_working_days(target.due_date, 3).isoformat(),
            "reason": "Cần xác minh",
            "signed_by": "Chủ tịch UBND phường",
        },
        staff_action(clerk=DONE, officer=DONE),
    ),
}

# slip → the dossier that has it
SLIPS = {
    "receipt": Scene.received,
    "supplement": Scene.supplement_requested,
    "refusal": Scene.refused,
    "apology": Scene.with_apology,
    "stop": Scene.stopped,
    "control": Scene.received,
}


def staff_rows() -> list[Row]:
    rows = [
        Row(
            "staff:home",
            "",
            "GET",
            Scene.submitted,
            at("staff:home"),
            cells(
                anonymous=LOGIN,
                owner=FORBIDDEN,
                citizen_b=FORBIDDEN,
                clerk_x=OK,
                officer_x=OK,
                supervisor_x=OK,
                clerk_y=HIDDEN,  # their own agency only
                catalogue_admin=HIDDEN,
                superuser=HIDDEN,  # a superuser has no agency of their own
            ),
            marker=lambda scene, target: scene.agency_x.name,
        ),
        Row(
            "staff:detail",
            "",
            "GET",
            Scene.submitted,
            at("staff:detail", pk),
            dossier_file(owner=FORBIDDEN) | {"citizen_b": FORBIDDEN},  # the back office: staff only
            marker=code_of,
        ),
        Row(
            "staff:start",
            "",
            "GET",
            Scene.submitted,
            at("staff:start"),
            cells(
                anonymous=LOGIN,
                owner=FORBIDDEN,
                citizen_b=FORBIDDEN,
                clerk_x=MOVED,  # to the busiest queue, or the list of their agencies
                officer_x=MOVED,
                supervisor_x=MOVED,
                clerk_y=MOVED,
                catalogue_admin=MOVED,
                superuser=MOVED,
            ),
        ),
        Row(
            "staff:transfer_assignees",
            "",
            "GET",
            Scene.received,
            lambda scene, target: (
                reverse("staff:transfer_assignees", args=[target.pk]) + f"?to_agency={scene.agency_x.pk}"
            ),
            # The staff of the agency chosen, for who may transfer the dossier: its desk's clerks.
            cells(
                anonymous=LOGIN,
                owner=FORBIDDEN,
                citizen_b=FORBIDDEN,
                clerk_x=OK,
                officer_x=FORBIDDEN,
                supervisor_x=FORBIDDEN,
                clerk_y=NOT_FOUND,
                catalogue_admin=NOT_FOUND,
                superuser=FORBIDDEN,
            ),
            marker=lambda scene, target: scene.clerk_x.email,
        ),
        Row(
            "staff:detail",
            "draft",
            "GET",
            Scene.draft,
            at("staff:detail", pk),
            dossier_file(owner=FORBIDDEN, agency_x=NOT_FOUND) | {"citizen_b": FORBIDDEN},
        ),
        # A folded action's form, on its own page or alone (?part=form, fetched by static/js/staff.js): for
        # who may take the action, as its POST.
        Row(
            "staff:act",
            "refuse form",
            "GET",
            Scene.submitted,
            at("staff:act", pk, "refuse"),
            staff_action(clerk=OK),
            marker=lambda scene, target: 'name="reason"',
        ),
        Row(
            "staff:act",
            "refuse form alone",
            "GET",
            Scene.submitted,
            lambda scene, target: reverse("staff:act", args=[target.pk, "refuse"]) + "?part=form",
            staff_action(clerk=OK),
            marker=lambda scene, target: 'name="reason"',
        ),
        Row(
            "staff:act",
            "approve form before reception",
            "GET",
            Scene.submitted,
            at("staff:act", pk, "approve"),
            staff_action(),
        ),
    ]
    for action, (setup, data, expect) in ACTIONS.items():
        rows.append(
            Row(
                "staff:act",
                action,
                "POST",
                setup,
                at("staff:act", pk, action),
                expect,
                data=data,
                covers=("action", action),
            )
        )
    rows += [
        Row(
            "staff:queue",
            "",
            "GET",
            Scene.submitted,
            at("staff:queue", x_code),
            agency_page(),
            marker=code_of,
        ),
        Row(
            "staff:desk",
            "",
            "GET",
            Scene.submitted,
            lambda scene, target: (
                reverse("staff:desk", args=[scene.agency_x.code]) + f"?version={scene.version.pk}"
            ),
            agency_page(officer=FORBIDDEN, superuser=FORBIDDEN),  # clerks register dossiers
            marker=lambda scene, target: scene.version.name,
        ),
        Row(
            "staff:desk",
            "",
            "POST",
            lambda scene: None,
            lambda scene, target: (
                reverse("staff:desk", args=[scene.agency_x.code]) + f"?version={scene.version.pk}"
            ),
            agency_page(officer=FORBIDDEN, superuser=FORBIDDEN) | {"clerk_x": DONE},
            data=lambda scene, target: {
                "channel": "desk",
                "applicant_name": "Lê Văn Đến Quầy",
                "applicant_phone": "0987654321",
                "return_channel": "desk",
                **{
                    f"document_{required.pk}": pdf_upload(f"scan-{required.pk}.pdf")
                    for required in scene.version.documents.all()
                },
            },
        ),
        Row(
            "staff:register",
            "",
            "GET",
            Scene.submitted,
            at("staff:register", x_code),
            agency_page(),
            marker=code_of,
        ),
        Row(
            "staff:access_export",
            "",
            "GET",
            Scene.submitted,
            at("staff:access_export"),
            # The auditors' export: superusers only (citizens and other staff 403).
            cells(
                anonymous=LOGIN,
                **dict.fromkeys(
                    [
                        "owner",
                        "citizen_b",
                        "clerk_x",
                        "officer_x",
                        "supervisor_x",
                        "clerk_y",
                        "catalogue_admin",
                    ],
                    FORBIDDEN,
                ),
                superuser=OK,
            ),
        ),
        Row(
            "staff:register_xlsx",
            "",
            "GET",
            Scene.submitted,
            at("staff:register_xlsx", x_code),
            agency_page(),
            download=XLSX,
        ),
    ]
    for kind, setup in SLIPS.items():
        rows.append(
            Row(
                "staff:slip",
                kind,
                "GET",
                setup,
                at("staff:slip", pk, kind),
                dossier_file(),
                download=PDF,
                covers=("slip", kind),
            )
        )
    return rows


ROWS = citizen_rows() + staff_rows()


# --- the matrix -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _row_media(_isolated_storage, settings, media_root):
    """The row's files were stored when its dossier was built, once for the nine people: serve them."""
    settings.MEDIA_ROOT = str(media_root)


@pytest.fixture(scope="module")
def built(request, django_db_setup, django_db_blocker, media_root):
    """One row's people and dossier, built once and shared by its nine cells: inside a transaction that
    is rolled back after the row; each cell runs in a savepoint of it (pytest-django's own), so what a
    POST changes is undone before the next person tries."""
    row = request.param
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media_root), PASSWORD_HASHERS=hashers):
        outer = transaction.atomic()
        outer.__enter__()
        scene = Scene()
        for actor in ACTORS:
            scene.person(actor)
        target = row.setup(scene)
    yield row, scene, target
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def shared_client():
    """One test client for all the cells: a new one loads the middleware again, and WhiteNoise's scan of the
    static files alone costs about 0.1 s. Each cell starts signed out (no cookies)."""
    return Client()


@pytest.fixture
def client(shared_client):
    shared_client.cookies = SimpleCookie()
    return shared_client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("built", ROWS, ids=[row.id for row in ROWS], indirect=True, scope="module")
def test_access(client, built, actor: str):
    row, scene, target = built
    if isinstance(target, Dossier):
        target = reload(target)
    user = scene.person(actor)
    url = row.url(scene, target)
    data = row.data(scene, target) if row.data else None
    if user is not None:
        sign_in(client, user)
    before = snapshot()
    opened_before = DocumentAccess.objects.count()

    response = client.post(url, data) if row.method == "POST" else client.get(url)
    body = _body(response)
    # A person's file served leaves one row of who opened it (dossiers.services.access_log); refused, none.
    served = row.expect[actor] == OK and row.download == PDF
    assert DocumentAccess.objects.count() - opened_before == (1 if served else 0)
    expected = row.expect[actor]

    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response.url.startswith(reverse("account_login"))
    elif expected == HIDDEN:
        assert response.status_code == 200, response.status_code
        assert row.marker(scene, target) not in body.decode()
    elif expected == MOVED:
        assert response.status_code == 302, response.status_code
        assert not response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, (response.status_code, body[:300])
        if expected == DONE:
            assert not response.url.startswith(reverse("account_login"))
    changed = snapshot() != before
    if expected == DONE:
        assert changed, "the POST succeeded but changed nothing"
    else:
        assert not changed, "refused (or a GET), yet the database changed"
    if expected == OK and row.download:
        assert response["Content-Type"] == row.download
        assert body.startswith(b"%PDF-" if row.download == PDF else b"PK")
        assert "private" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        if row.name in UPLOADED_FILES:  # what someone uploaded: saved, never a page of the portal's origin
            assert response["Content-Disposition"].startswith("attachment")
            assert response["Content-Security-Policy"] == "sandbox"
        elif row.download == PDF:  # a document the portal made: shown in the browser's viewer
            assert response["Content-Disposition"].startswith("inline")
    elif expected == OK and row.marker:
        assert row.marker(scene, target) in body.decode()


# --- the matrix covers the urlconf ------------------------------------------------------------------------
def _names(patterns, namespace: str) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_dossier_url_has_a_row():
    """A URL, an action, a slip, a wizard step or a kind of document added without a matrix row fails here."""
    from dossiers import staff_urls, urls

    in_urlconf = _names(urls.urlpatterns, urls.app_name) | _names(staff_urls.urlpatterns, staff_urls.app_name)
    assert in_urlconf == {row.name for row in ROWS}
    # Both URL modules are the ones the site serves, under their namespaces.
    namespaces = get_resolver().namespace_dict
    assert {"dossiers", "staff"} <= set(namespaces)

    covered = {}
    for row in ROWS:
        if row.covers:
            covered.setdefault(row.covers[0], set()).add(row.covers[1])
    assert covered["action"] == set(ACTION_FORMS)
    assert covered["slip"] == set(slips.SLIP_KINDS)
    assert covered["step"] == covered["step posted"] == set(STEP_NAMES)
    assert covered["document"] == set(DossierDocument.Kind.values)


def test_every_row_names_every_person_and_ids_are_unique():
    assert all(set(row.expect) == set(ACTORS) for row in ROWS)
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))
