import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django_fsm import TransitionNotAllowed

from accounts.models import Role
from accounts.services import set_role
from procedures import services
from procedures.models import Procedure, ProcedureFee, ProcedureVersion, RequiredDocument, VersionStatus
from tests.factories import (
    AgencyFactory,
    FieldFactory,
    ProcedureFeeFactory,
    ProcedureVersionFactory,
    UserFactory,
)
from tests.procedures.factories_extra import catalogue_admin, sign_in_to_admin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings, client):
    """Messages are checked in English, the msgid language; the site's default is Vietnamese."""
    settings.LANGUAGE_CODE = "en"
    client.cookies["portal_language"] = "en"
    with translation.override("en"):
        yield


def admin_url(name, version):
    return reverse(f"admin:procedures_procedureversion_{name}", args=[version.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def refresh(version):
    return ProcedureVersion.objects.get(pk=version.pk)


def published_pair():
    """v1 published; v2 a copy of it, in review."""
    editor = catalogue_admin()
    v1 = ProcedureVersionFactory(published=True)
    ProcedureFeeFactory(version=v1)
    v2 = services.create_new_version(version=v1, by=editor)
    v2.submit_for_review()  # the transition alone: these tests are about what happens next
    v2.save()
    return editor, v1, v2


# --- services ---------------------------------------------------------------------------------------------
def test_a_draft_is_reviewed_then_published():
    editor = catalogue_admin()
    draft = ProcedureVersionFactory()

    services.submit_for_review(version=draft, by=editor, change_note="Bản đầu tiên")
    draft = refresh(draft)
    assert draft.status == VersionStatus.IN_REVIEW
    assert draft.submitted_by == editor and draft.submitted_at is not None

    reviewer = catalogue_admin()
    services.publish(version=draft, by=reviewer)
    draft = refresh(draft)
    assert draft.status == VersionStatus.PUBLISHED
    assert draft.reviewed_by == reviewer and draft.published_at is not None


def test_publishing_v2_archives_v1_which_stays_readable(client):
    _editor, v1, v2 = published_pair()

    services.publish(version=v2, by=catalogue_admin())

    assert refresh(v1).status == VersionStatus.ARCHIVED
    assert refresh(v1).archived_at is not None
    assert refresh(v2).status == VersionStatus.PUBLISHED
    code = v1.procedure.national_code
    old_page = client.get(reverse("procedures:version", args=[code, 1]))
    assert old_page.status_code == 200
    assert v1.name in old_page.content.decode()
    assert client.get(reverse("procedures:detail", args=[code])).context["version"].pk == v2.pk


def test_a_published_version_is_never_changed_by_the_workflow_services():
    editor = catalogue_admin()
    published = ProcedureVersionFactory(published=True)

    with pytest.raises(TransitionNotAllowed):
        services.submit_for_review(version=published, by=editor)
    with pytest.raises(TransitionNotAllowed):
        services.send_back_to_draft(version=published, by=editor, note="Sửa lại")
    assert refresh(published).status == VersionStatus.PUBLISHED


def test_new_version_copies_fees_documents_and_agencies():
    editor = catalogue_admin()
    agencies = [AgencyFactory(), AgencyFactory()]
    v1 = ProcedureVersionFactory(published=True, agencies=agencies, documents=3)
    ProcedureFeeFactory(version=v1, amount=50_000, online_discount_percent=50)

    v2 = services.create_new_version(version=v1, by=editor)

    assert (v2.version_number, v2.status, v2.created_by) == (2, VersionStatus.DRAFT, editor)
    assert set(v2.agencies.all()) == set(agencies)
    assert [(f.description, f.amount, f.online_discount_percent) for f in v2.fees.all()] == [
        ("Lệ phí cấp giấy", 50_000, 50)
    ]
    assert [d.name for d in v2.documents.all()] == [d.name for d in v1.documents.all()]
    assert v1.fees.count() == 1 and v1.documents.count() == 3  # the original keeps its own rows


def test_only_one_open_draft_per_procedure():
    editor = catalogue_admin()
    v1 = ProcedureVersionFactory(published=True)
    services.create_new_version(version=v1, by=editor)

    with pytest.raises(ValidationError, match="still being edited or reviewed"):
        services.create_new_version(version=v1, by=editor)
    with pytest.raises(ValidationError, match="still being edited or reviewed"):
        services.add_draft(
            version=ProcedureVersionFactory.build(field=v1.field),
            national_code=v1.procedure.national_code,
            by=editor,
        )
    assert v1.procedure.versions.count() == 2


def test_a_user_without_publish_permission_cannot_publish():
    editor = catalogue_admin(publish=False)
    version = ProcedureVersionFactory(in_review=True)

    with pytest.raises(PermissionDenied):
        services.publish(version=version, by=editor)
    assert refresh(version).status == VersionStatus.IN_REVIEW


def test_add_draft_creates_the_procedure_of_a_new_national_code():
    editor = catalogue_admin()
    draft = services.add_draft(
        version=ProcedureVersionFactory.build(field=FieldFactory()),
        national_code="2.002345",
        by=editor,
        agencies=[AgencyFactory()],
    )
    assert draft.procedure.national_code == "2.002345"
    assert (draft.version_number, draft.status) == (1, VersionStatus.DRAFT)
    assert draft.agencies.count() == 1


# --- who reaches the admin --------------------------------------------------------------------------------
def test_a_clerk_is_turned_away_from_the_admin(client):
    clerk = set_role(user=UserFactory(), role=Role.CLERK)
    assert not clerk.is_staff
    sign_in_to_admin(client, clerk)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_clerk_without_two_factor_is_sent_to_set_it_up_not_to_the_admin(client):
    client.force_login(set_role(user=UserFactory(), role=Role.CLERK))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert not response.url.startswith("/admin/")


def test_a_citizen_cannot_reach_the_admin(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:procedures_procedureversion_changelist")).status_code == 302


def test_a_catalogue_admin_by_role_can_use_the_catalogue_admin(client):
    user = set_role(user=UserFactory(), role=Role.CATALOGUE_ADMIN)
    version = ProcedureVersionFactory(published=True)
    sign_in_to_admin(client, user)

    assert client.get(reverse("admin:procedures_procedureversion_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:procedures_procedure_change", args=[version.procedure.pk])).status_code
        == 200
    )
    page = client.get(admin_url("change", version)).content.decode()
    assert 'id="workflow-archive"' in page and 'id="workflow-new_version"' in page


# --- admin: editing ---------------------------------------------------------------------------------------
def change_form_data(version, **overrides):
    """What the admin change form posts for a draft, with its fees and documents."""
    data = {
        "name": version.name,
        "field": version.field_id,
        "change_note": "",
        "agencies": [a.pk for a in version.agencies.all()],
        "levels": version.level_list,
        "service_level": version.service_level,
        "partial_reason": version.partial_reason,
        "partial_reason_note": "",
        "fee_payment_stage": version.fee_payment_stage,
        "required_loa": version.required_loa,
        "processing_days": version.processing_days,
        "processing_time_note": "",
        "applicant_requirements": "",
        "legal_basis": version.legal_basis,
        "result_name": version.result_name,
        "result_type": version.result_type,
        "return_at_desk": "on",
        "return_by_post": "on",
        "return_electronic": "on",
    }
    for prefix, rows, names in [
        (
            "fees",
            version.fees.all(),
            ["kind", "description", "amount", "online_discount_percent", "position"],
        ),
        ("documents", version.documents.all(), ["name", "copy_kind", "count", "position", "note"]),
    ]:
        rows = list(rows)
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(rows),
                f"{prefix}-INITIAL_FORMS": len(rows),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-version"] = version.pk
            for name in names:
                data[f"{prefix}-{i}-{name}"] = getattr(row, name)
            if prefix == "documents":
                data[f"{prefix}-{i}-is_required"] = "on"
    data.update(overrides)
    return data


def test_a_draft_is_edited_in_the_admin_with_levels_as_checkboxes(client):
    draft = ProcedureVersionFactory()
    sign_in_to_admin(client, catalogue_admin())

    page = client.get(admin_url("change", draft)).content.decode()
    assert 'type="checkbox" name="levels" value="commune"' in page
    data = change_form_data(
        draft,
        name="Tên mới",
        levels=["province", "commune"],
        **{
            "fees-TOTAL_FORMS": 1,
            "fees-0-kind": "charge",
            "fees-0-description": "Lệ phí",
            "fees-0-amount": "20000",
            "fees-0-online_discount_percent": "0",
            "fees-0-position": "0",
        },
    )
    response = client.post(admin_url("change", draft), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    draft = refresh(draft)
    assert (draft.name, draft.levels) == ("Tên mới", "province,commune")
    assert [(f.description, f.amount) for f in draft.fees.all()] == [("Lệ phí", 20_000)]


def test_a_published_version_is_read_only_in_the_admin(client):
    version = ProcedureVersionFactory(published=True)
    ProcedureFeeFactory(version=version)
    sign_in_to_admin(client, catalogue_admin())

    page = client.get(admin_url("change", version))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in html
    assert 'name="name"' not in html and 'name="fees-0-amount"' not in html
    assert 'name="documents-0-name"' not in html

    response = client.post(admin_url("change", version), change_form_data(version, name="Sửa trộm"))
    assert response.status_code == 403
    assert refresh(version).name == version.name
    assert client.post(admin_url("delete", version), {"post": "yes"}).status_code == 403
    assert ProcedureVersion.objects.filter(pk=version.pk).exists()


def test_the_admin_readonly_fields_cover_every_field_of_a_version_in_review(rf):
    from django.contrib.admin.sites import site

    model_admin = site._registry[ProcedureVersion]
    request = rf.get("/")
    request.user = catalogue_admin()
    in_review = ProcedureVersionFactory(in_review=True)
    readonly = set(model_admin.get_readonly_fields(request, in_review))
    assert {
        "name",
        "levels_display",
        "agencies",
        "service_level",
        "processing_days",
        "legal_basis",
    } <= readonly
    for inline in model_admin.get_inline_instances(request, in_review):
        assert not inline.has_add_permission(request, in_review)
        assert not inline.has_change_permission(request, in_review)
        assert not inline.has_delete_permission(request, in_review)
    draft = ProcedureVersionFactory()
    assert "name" not in model_admin.get_readonly_fields(request, draft)


def test_adding_an_entry_with_a_new_national_code_creates_the_procedure(client):
    field, agency = FieldFactory(), AgencyFactory()
    editor = catalogue_admin()
    sign_in_to_admin(client, editor)
    data = {
        "national_code": "1.009999",
        "name": "Cấp phiếu lý lịch tư pháp",
        "field": field.pk,
        "change_note": "",
        "agencies": [agency.pk],
        "levels": ["province"],
        "service_level": "partial",
        "partial_reason": "originals",
        "partial_reason_note": "",
        "fee_payment_stage": "at_filing",
        "required_loa": "2",
        "processing_days": "10",
        "processing_time_note": "",
        "applicant_requirements": "",
        "legal_basis": "Luật Lý lịch tư pháp 2009",
        "result_name": "Phiếu lý lịch tư pháp",
        "result_type": "certificate",
        "return_at_desk": "on",
        "fees-TOTAL_FORMS": 0,
        "fees-INITIAL_FORMS": 0,
        "documents-TOTAL_FORMS": 1,
        "documents-INITIAL_FORMS": 0,
        "documents-0-name": "Tờ khai",
        "documents-0-copy_kind": "original",
        "documents-0-count": "1",
        "documents-0-position": "0",
        "documents-0-is_required": "on",
    }

    response = client.post(reverse("admin:procedures_procedureversion_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    version = ProcedureVersion.objects.get(procedure__national_code="1.009999")
    assert (version.version_number, version.status, version.created_by) == (1, VersionStatus.DRAFT, editor)
    assert (version.levels, version.required_loa) == ("province", 2)
    assert list(version.agencies.all()) == [agency]
    assert version.documents.get().name == "Tờ khai"


def test_adding_an_entry_for_a_procedure_with_an_open_draft_is_refused(client):
    draft = ProcedureVersionFactory()
    sign_in_to_admin(client, catalogue_admin())

    response = client.post(
        reverse("admin:procedures_procedureversion_add"),
        {
            "national_code": draft.procedure.national_code,
            "name": "Bản thứ hai",
            "fees-TOTAL_FORMS": 0,
            "fees-INITIAL_FORMS": 0,
            "documents-TOTAL_FORMS": 0,
            "documents-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["national_code"]
    assert "already has version 1 in draft or in review" in errors[0]
    assert draft.procedure.versions.count() == 1


def test_adding_a_draft_to_a_published_procedure_makes_version_two(client):
    v1 = ProcedureVersionFactory(published=True)
    sign_in_to_admin(client, catalogue_admin())
    page = client.get(reverse("admin:procedures_procedureversion_add"), {"national_code": "1.000001"})
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert form.initial["national_code"] == "1.000001"
    assert "national_code" in form.fields

    version = services.add_draft(
        version=ProcedureVersionFactory.build(field=v1.field),
        national_code=v1.procedure.national_code,
        by=catalogue_admin(),
    )
    assert version.version_number == 2
    assert Procedure.objects.count() == 1


# --- admin: workflow buttons ------------------------------------------------------------------------------
def test_the_admin_buttons_take_a_draft_through_review_to_publication(client):
    editor, _v1, _v2 = published_pair()
    draft = ProcedureVersionFactory()
    sign_in_to_admin(client, editor)

    page = client.get(admin_url("change", draft)).content.decode()
    assert 'id="workflow-submit"' in page and 'id="workflow-publish"' not in page
    response = client.post(admin_url("submit", draft))
    assert response.status_code == 302 and response.url == admin_url("change", draft)
    assert refresh(draft).status == VersionStatus.IN_REVIEW

    page = client.get(admin_url("change", draft)).content.decode()
    # Four eyes: the editor who submitted it may send it back, not publish it.
    assert 'id="workflow-publish"' not in page and 'id="workflow-send_back"' in page
    assert 'id="four-eyes-note"' in page
    sign_in_to_admin(client, catalogue_admin())
    page = client.get(admin_url("change", draft)).content.decode()
    assert 'id="workflow-publish"' in page and 'id="workflow-send_back"' in page
    assert 'id="workflow-submit"' not in page and 'id="four-eyes-note"' not in page
    client.post(admin_url("publish", draft))
    assert refresh(draft).status == VersionStatus.PUBLISHED

    client.post(admin_url("archive", draft))
    assert refresh(draft).status == VersionStatus.ARCHIVED


def test_the_admin_reports_why_an_incomplete_draft_cannot_be_submitted(client):
    draft = ProcedureVersionFactory(documents=0)
    sign_in_to_admin(client, catalogue_admin())

    response = client.post(admin_url("submit", draft), follow=True)

    assert "List the documents the applicant must provide." in messages_of(response)
    assert refresh(draft).status == VersionStatus.DRAFT


def test_workflow_urls_only_accept_post(client):
    draft = ProcedureVersionFactory()
    sign_in_to_admin(client, catalogue_admin())
    assert client.get(admin_url("submit", draft)).status_code == 405
    assert refresh(draft).status == VersionStatus.DRAFT


def test_sending_back_needs_a_note(client):
    version = ProcedureVersionFactory(in_review=True)
    sign_in_to_admin(client, catalogue_admin())

    assert client.get(admin_url("send_back", version)).status_code == 200
    response = client.post(admin_url("send_back", version), {"note": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert refresh(version).status == VersionStatus.IN_REVIEW

    response = client.post(admin_url("send_back", version), {"note": "Thiếu căn cứ pháp lý"})
    assert response.status_code == 302
    version = refresh(version)
    assert (version.status, version.review_note) == (VersionStatus.DRAFT, "Thiếu căn cứ pháp lý")
    assert "Thiếu căn cứ pháp lý" in client.get(admin_url("change", version)).content.decode()


def test_a_user_without_publish_permission_sees_no_publish_button_and_cannot_post_it(client):
    version = ProcedureVersionFactory(in_review=True)
    sign_in_to_admin(client, catalogue_admin(publish=False))

    page = client.get(admin_url("change", version)).content.decode()
    assert 'id="workflow-publish"' not in page and 'id="workflow-send_back"' not in page

    response = client.post(admin_url("publish", version), follow=True)
    assert "Only a catalogue reviewer may publish." in messages_of(response)
    assert refresh(version).status == VersionStatus.IN_REVIEW
    client.post(admin_url("send_back", version), {"note": "Sửa"})
    assert refresh(version).status == VersionStatus.IN_REVIEW


def test_create_new_version_from_the_admin_opens_the_new_draft(client):
    v1 = ProcedureVersionFactory(published=True, documents=2)
    ProcedureFeeFactory(version=v1)
    sign_in_to_admin(client, catalogue_admin())

    response = client.post(admin_url("new_version", v1))

    v2 = v1.procedure.versions.get(version_number=2)
    assert response.status_code == 302 and response.url == admin_url("change", v2)
    assert ProcedureFee.objects.filter(version=v2).count() == 1
    assert RequiredDocument.objects.filter(version=v2).count() == 2
    page = client.get(admin_url("change", v1)).content.decode()
    assert 'id="workflow-new_version"' not in page  # v2 is open
    assert admin_url("change", v2) in page

    response = client.post(admin_url("new_version", v1), follow=True)
    assert any("still being edited or reviewed" in m for m in messages_of(response))
    assert v1.procedure.versions.count() == 2


def test_the_change_page_lists_every_version_of_the_procedure(client):
    editor, v1, v2 = published_pair()
    services.publish(version=v2, by=catalogue_admin())
    sign_in_to_admin(client, editor)

    page = client.get(admin_url("change", v2)).content.decode()

    assert 'id="version-history"' in page
    assert admin_url("change", v1) in page
    code = v1.procedure.national_code
    assert reverse("procedures:version", args=[code, 1]) in page
    assert reverse("procedures:version", args=[code, 2]) in page


def test_the_procedure_admin_lists_its_versions_read_only(client):
    _editor, v1, v2 = published_pair()
    user = UserFactory(is_staff=True, is_superuser=True, role=Role.CATALOGUE_ADMIN)
    sign_in_to_admin(client, user)

    page = client.get(reverse("admin:procedures_procedure_change", args=[v1.procedure.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert admin_url("change", v1) in html and admin_url("change", v2) in html
    assert 'name="versions-0-name"' not in html
    assert client.get(reverse("admin:procedures_procedure_changelist")).status_code == 200


def test_the_version_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    sign_in_to_admin(client, catalogue_admin())
    for _ in range(3):
        ProcedureVersionFactory(published=True)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("admin:procedures_procedureversion_changelist"))
    for _ in range(10):
        ProcedureVersionFactory(published=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("admin:procedures_procedureversion_changelist"))
    assert response.status_code == 200


# --- four eyes (CATALOGUE_FOUR_EYES) -----------------------------------------------------------------------
def submitted_draft(editor):
    draft = ProcedureVersionFactory(created_by=editor)
    return services.submit_for_review(version=draft, by=editor)


def test_four_eyes_the_person_who_submitted_a_version_cannot_publish_it():
    editor = catalogue_admin()
    version = submitted_draft(editor)

    with pytest.raises(PermissionDenied, match="another catalogue reviewer must publish it"):
        services.publish(version=version, by=editor)
    assert refresh(version).status == VersionStatus.IN_REVIEW


def test_four_eyes_the_person_who_drafted_a_version_cannot_publish_it():
    drafter, submitter = catalogue_admin(), catalogue_admin()
    version = services.submit_for_review(version=ProcedureVersionFactory(created_by=drafter), by=submitter)

    with pytest.raises(PermissionDenied):
        services.publish(version=version, by=drafter)
    assert refresh(version).status == VersionStatus.IN_REVIEW


def test_four_eyes_a_second_person_publishes():
    editor, reviewer = catalogue_admin(), catalogue_admin()
    version = submitted_draft(editor)

    services.publish(version=version, by=reviewer)

    version = refresh(version)
    assert version.status == VersionStatus.PUBLISHED
    assert (version.created_by, version.submitted_by, version.reviewed_by) == (editor, editor, reviewer)


def test_four_eyes_off_lets_one_person_publish_alone(settings):
    settings.CATALOGUE_FOUR_EYES = False
    editor = catalogue_admin()
    version = submitted_draft(editor)

    services.publish(version=version, by=editor)

    assert refresh(version).status == VersionStatus.PUBLISHED


def test_four_eyes_is_on_unless_configured_off():
    from django.conf import settings

    assert settings.CATALOGUE_FOUR_EYES is True


def test_four_eyes_the_admin_says_why_in_vietnamese_and_refuses_a_forged_post(client, settings):
    settings.LANGUAGE_CODE = "vi"
    client.cookies["portal_language"] = "vi"
    editor = catalogue_admin()
    version = submitted_draft(editor)
    sign_in_to_admin(client, editor)

    with translation.override("vi"):
        page = client.get(admin_url("change", version)).content.decode()
        response = client.post(admin_url("publish", version), follow=True)

    assert 'id="workflow-publish"' not in page
    assert "Ông/Bà đã soạn thảo hoặc gửi duyệt phiên bản này" in page
    assert any("nguyên tắc “bốn mắt”" in message for message in messages_of(response))
    assert refresh(version).status == VersionStatus.IN_REVIEW
