import factory
from django.contrib.auth.models import Permission
from factory.django import DjangoModelFactory

from accounts.models import AgencyMembership, CitizenProfile, Role, User
from procedures.models import (
    AdministrativeUnit,
    Agency,
    Field,
    GovernmentLevel,
    Procedure,
    ProcedureFee,
    ProcedureVersion,
    RequiredDocument,
    ServiceLevel,
    VersionStatus,
)

PURPOSE = {"purpose": "Cấp 02 bản sao giấy tờ của tôi"}


class AdministrativeUnitFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    level = GovernmentLevel.COMMUNE


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.H{10 + n // 100:02d}")
    name = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")
    kind = Agency.Kind.DEPARTMENT


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"field-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = Procedure

    national_code = factory.Sequence(lambda n: f"1.{n:06d}")


class ProcedureVersionFactory(DjangoModelFactory):
    """A complete catalogue entry; `published=True` makes it visible to citizens."""

    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(FieldFactory)
    levels = GovernmentLevel.PROVINCE
    service_level = ServiceLevel.FULL_PROCESS
    processing_days = 5
    legal_basis = "Nghị định số 118/2025/NĐ-CP"
    result_name = "Giấy chứng nhận"
    result_type = "certificate"
    return_at_desk = True
    return_by_post = True
    return_electronic = True

    class Params:
        published = factory.Trait(status=VersionStatus.PUBLISHED)
        archived = factory.Trait(status=VersionStatus.ARCHIVED)
        in_review = factory.Trait(status=VersionStatus.IN_REVIEW)
        partial = factory.Trait(service_level=ServiceLevel.PARTIAL, partial_reason="originals")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The status column is protected: factories set it the way a migration would, not via transitions.
        status = kwargs.pop("status", VersionStatus.DRAFT)
        instance = model_class(*args, **kwargs)
        instance.__dict__["status"] = status
        instance.save()
        return instance

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create:
            self.agencies.set(extracted if extracted is not None else [AgencyFactory()])

    @factory.post_generation
    def documents(self, create, extracted, **kwargs):
        if create:
            count = 2 if extracted is None else extracted
            for position in range(count):
                RequiredDocumentFactory(version=self, position=position)


class ProcedureFeeFactory(DjangoModelFactory):
    class Meta:
        model = ProcedureFee

    version = factory.SubFactory(ProcedureVersionFactory)
    kind = ProcedureFee.Kind.CHARGE
    description = "Lệ phí cấp giấy"
    amount = 100_000


class RequiredDocumentFactory(DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    version = factory.SubFactory(ProcedureVersionFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ số {n}")
    copy_kind = RequiredDocument.CopyKind.COPY


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    role = Role.CITIZEN
    password = factory.django.Password("correct-horse-42")

    class Params:
        clerk = factory.Trait(role=Role.CLERK)
        officer = factory.Trait(role=Role.OFFICER)
        finance = factory.Trait(role=Role.FINANCE)
        catalogue_admin = factory.Trait(role=Role.CATALOGUE_ADMIN, is_staff=True)

    @factory.post_generation
    def catalogue_permissions(self, create, extracted, **kwargs):
        """Catalogue admins get the editor and publisher permissions (publish=False: editor only)."""
        if not create or self.role != Role.CATALOGUE_ADMIN:
            return
        codenames = ["view_procedureversion", "change_procedureversion", "add_procedureversion"]
        if extracted is not False:
            codenames.append("publish_procedureversion")
        self.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="procedures", codename__in=codenames)
        )


class CitizenProfileFactory(DjangoModelFactory):
    class Meta:
        model = CitizenProfile

    user = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(lambda o: o.user.full_name)
    personal_id = factory.Sequence(lambda n: f"{1000_0000_0000 + n:012d}")
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    phone_verified = factory.SelfAttribute("phone")  # confirmed by its SMS code: SMS notices go to it


class AgencyMembershipFactory(DjangoModelFactory):
    class Meta:
        model = AgencyMembership

    user = factory.SubFactory(UserFactory, clerk=True)
    agency = factory.SubFactory(AgencyFactory)


# --- dossiers ---------------------------------------------------------------------------------------------
def pdf_bytes(title: str = "") -> bytes:
    """A real one-page PDF (the upload checks open it with pikepdf); `title` makes its bytes differ."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    if title:
        pdf.docinfo["/Title"] = title
    out = io.BytesIO()
    pdf.save(out, static_id=True)
    return out.getvalue()


PDF_BYTES = pdf_bytes()


def pdf_upload(name="giay-to.pdf", content=PDF_BYTES):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def staff_member(agency, role="clerk", is_supervisor=False, **kwargs):
    """A staff user who works for `agency`."""
    user = UserFactory(role=role, **kwargs)
    AgencyMembershipFactory(user=user, agency=agency, is_supervisor=is_supervisor)
    return user


def filed_dossier(version=None, applicant=None, documents=True):
    """A dossier submitted online through the services, with every required document attached."""
    from dossiers import services

    version = version or ProcedureVersionFactory(published=True)
    applicant = applicant or CitizenProfileFactory().user
    dossier = services.start_draft(version=version, applicant=applicant, form_data=PURPOSE)
    if documents:
        for required in version.documents.all():
            services.attach_upload(
                dossier=dossier, required_document=required, uploaded=pdf_upload(), by=applicant
            )
    return services.submit(dossier=dossier, by=applicant)
