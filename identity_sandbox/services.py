"""Set up the sandbox identity provider: its demo persons and the portal's client application. Idempotent
(keyed on the person's sub and the client id), run by load_demo and by `manage.py setup_identity_sandbox`."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from oauth2_provider.models import get_application_model

from accounts.models import Role, User
from common.links import absolute_url

from .models import SandboxPerson

# The national service's claims of each demo person; names mapped by settings.NATIONAL_IDENTITY["claims"].
DEMO_PERSONS = [
    {
        "sub": "sandbox-citizen-1",
        "label": "Nguyễn Văn An — công dân, mức 2",
        "loa": 2,
        "claims": {
            "account_type": 1,
            "personal_id": "001085012345",
            "full_name": "Nguyễn Văn An",
            "date_of_birth": "19850412",
            "gender": "Nam",
            "phone": "0912000111",
            "email": "an.nguyen@example.vn",
            "address": "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
        },
    },
    {
        "sub": "sandbox-citizen-2",
        "label": "Trần Thị Bình — công dân, mức 2",
        "loa": 2,
        "claims": {
            "account_type": 1,
            "personal_id": "001190067890",
            "full_name": "Trần Thị Bình",
            "date_of_birth": "19900105",
            "gender": "Nữ",
            "phone": "0983000222",
            "address": "Thôn Đông, xã Bát Tràng, thành phố Hà Nội",
        },
    },
    {
        "sub": "sandbox-citizen-loa1",
        "label": "Lê Văn Cường — công dân, chỉ mức 1",
        "loa": 1,
        "claims": {
            "account_type": 1,
            "personal_id": "001095011223",
            "full_name": "Lê Văn Cường",
            "date_of_birth": "19951120",
            "gender": "Nam",
            "phone": "0904000333",
        },
    },
    {
        "sub": "sandbox-enterprise-1",
        "label": "Công ty TNHH Sen Vàng — doanh nghiệp, mức 2",
        "loa": 2,
        "claims": {
            "account_type": 2,
            "tax_code": "0101234567",
            "enterprise_code": "0101234567",
            "organisation_name": "Công ty TNHH Sen Vàng",
            "full_name": "Phạm Thị Dung",
            "phone": "0243000444",
            "email": "lienhe@senvang.example.vn",
            "address": "Số 5 phố Tràng Tiền, phường Hoàn Kiếm, thành phố Hà Nội",
        },
    },
]


def callback_url() -> str:
    path = reverse(
        "openid_connect_callback", kwargs={"provider_id": settings.NATIONAL_IDENTITY["provider_id"]}
    )
    return absolute_url(path)


@transaction.atomic
def setup_sandbox(*, redirect_uris: list[str] | None = None) -> list[SandboxPerson]:
    """The portal's client at the sandbox (RS256, confidential, PKCE) and the demo persons."""
    Application = get_application_model()
    identity = settings.NATIONAL_IDENTITY
    application = Application.objects.filter(client_id=identity["client_id"]).first() or Application(
        client_id=identity["client_id"]
    )
    application.name = "Cổng dịch vụ công (sandbox)"
    application.client_type = Application.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    application.algorithm = Application.RS256_ALGORITHM
    application.redirect_uris = " ".join(redirect_uris or [callback_url()])
    application.skip_authorization = True
    application.client_secret = identity["secret"]  # hashed on save
    application.save()
    names = identity["claims"]
    persons = []
    for position, data in enumerate(DEMO_PERSONS):
        person = SandboxPerson.objects.filter(sub=data["sub"]).first()
        if person is None:
            subject = User.objects.create_user(
                email=f"{data['sub']}@identity-sandbox.invalid", role=Role.CITIZEN, is_active=False
            )
            person = SandboxPerson(subject=subject, sub=data["sub"])
        person.label, person.loa, person.position = data["label"], data["loa"], position
        person.claims = {names[field]: value for field, value in data["claims"].items()}
        person.save()
        persons.append(person)
    return persons
