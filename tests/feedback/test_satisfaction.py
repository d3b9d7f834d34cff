"""Satisfaction: one rating per returned dossier, by its applicant (panel) or through the signed link of the
notice sent when the result is returned; forged, expired and used links get a clear page, never a 5xx."""

import datetime

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from common import clock
from dossiers.models import Channel, State
from feedback import services
from feedback.models import SatisfactionRating
from notifications.models import Notification
from tests.dossiers.factories_extra import citizen, sign_in
from tests.factories import filed_dossier

from .conftest import returned_dossier

pytestmark = pytest.mark.django_db


def english() -> Client:
    client = Client()
    client.cookies["portal_language"] = "en"
    return client


SCORES = {"attitude": "5", "timeliness": "4", "clarity": "3", "comment": "Cán bộ nhiệt tình"}


def test_returning_the_result_invites_the_applicant_with_a_signed_link():
    dossier = returned_dossier()
    notices = Notification.objects.filter(event="satisfaction_invitation", recipient=dossier.applicant)
    assert {n.channel for n in notices} == {"portal", "email", "sms"}
    link = notices.get(channel="portal").link
    assert (
        link.startswith("/danh-gia-hai-long/") and services.dossier_from_token(link.split("/")[-2]) == dossier
    )
    assert "http" in notices.get(channel="sms").body


def test_the_returned_dossier_page_shows_the_rating_form_to_its_applicant_only():
    dossier = returned_dossier()
    page = sign_in(Client(), dossier.applicant).get(reverse("dossiers:detail", args=[dossier.pk]))
    assert b'id="satisfaction"' in page.content and b"feedback/rate" not in page.content
    assert reverse("feedback:rate", args=[dossier.pk]).encode() in page.content
    received = filed_dossier()
    page = sign_in(Client(), received.applicant).get(reverse("dossiers:detail", args=[received.pk]))
    assert b'id="satisfaction"' not in page.content


def test_a_dossier_is_rated_once_the_second_post_is_refused_with_a_clear_message():
    dossier = returned_dossier()
    client = sign_in(Client(), dossier.applicant)
    url = reverse("feedback:rate", args=[dossier.pk])
    first = client.post(url, SCORES, follow=True)
    assert b"Thank you for rating" in first.content
    rating = SatisfactionRating.objects.get(dossier=dossier)
    assert (rating.attitude, rating.timeliness, rating.clarity, rating.via) == (5, 4, 3, "portal")
    second = client.post(url, {**SCORES, "attitude": "1"}, follow=True)
    assert second.status_code == 200 and b"already been rated" in second.content
    assert SatisfactionRating.objects.get(dossier=dossier).attitude == 5


def test_the_database_allows_one_rating_per_dossier_and_scores_1_to_5():
    dossier = returned_dossier()
    agency = dossier.receiving_agency
    SatisfactionRating.objects.create(dossier=dossier, agency=agency, attitude=5, timeliness=5, clarity=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        SatisfactionRating.objects.create(dossier=dossier, agency=agency, attitude=1, timeliness=1, clarity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SatisfactionRating.objects.create(
            dossier=returned_dossier(), agency=agency, attitude=6, timeliness=1, clarity=1
        )


def test_only_the_applicant_rates_and_only_a_returned_dossier():
    dossier = returned_dossier()
    other = sign_in(Client(), citizen())
    assert other.post(reverse("feedback:rate", args=[dossier.pk]), SCORES).status_code == 404
    anonymous = Client().post(reverse("feedback:rate", args=[dossier.pk]), SCORES)
    assert anonymous.status_code == 404
    open_dossier = filed_dossier()
    response = sign_in(Client(), open_dossier.applicant).post(
        reverse("feedback:rate", args=[open_dossier.pk]), SCORES, follow=True
    )
    assert b"once its result is returned" in response.content and not SatisfactionRating.objects.exists()


@pytest.mark.parametrize("bad", [{"attitude": "0"}, {"timeliness": "9"}, {"clarity": "abc"}, {"clarity": ""}])
def test_scores_out_of_range_are_refused(bad):
    dossier = returned_dossier()
    response = sign_in(Client(), dossier.applicant).post(
        reverse("feedback:rate", args=[dossier.pk]), {**SCORES, **bad}, follow=True
    )
    assert response.status_code == 200 and b"from 1 to 5" in response.content
    assert not SatisfactionRating.objects.exists()


def test_the_link_rates_without_signing_in_once():
    dossier = returned_dossier()
    url = services.rating_link(dossier)
    page = english().get(url)
    assert page.status_code == 200 and dossier.code.encode() in page.content
    done = english().post(url, SCORES)
    assert done.status_code == 200 and SatisfactionRating.objects.get(dossier=dossier).via == "link"
    again = english().get(url)
    assert again.status_code == 410 and b"already been rated" in again.content
    assert english().post(url, SCORES).status_code == 410


def test_forged_and_expired_links_get_a_clear_page(settings):
    dossier = returned_dossier()
    url = services.rating_link(dossier)
    forged = english().get(url[:-6] + "abcdef/")
    assert forged.status_code == 404 and b"not valid" in forged.content
    other = signing.dumps({"d": str(dossier.public_id)}, salt="something-else", compress=True)
    assert english().get(reverse("feedback:rate_by_link", args=[other])).status_code == 404
    for junk in ["x", "%00", "a" * 500, "e30:1abc:def"]:
        assert english().get(f"/danh-gia-hai-long/{junk}/").status_code in {400, 404}
    settings.SATISFACTION_LINK_DAYS = 30
    with clock.running_at(clock.now() - datetime.timedelta(days=31)):
        old = services.rating_link(dossier)
    expired = english().post(old, SCORES)
    assert expired.status_code == 410 and b"expired" in expired.content
    assert not SatisfactionRating.objects.exists()


def test_the_link_of_a_dossier_not_returned_is_refused():
    dossier = filed_dossier()
    response = english().get(services.rating_link(dossier))
    assert response.status_code == 404 and dossier.state != State.RETURNED
    assert b"not been returned" in response.content


def test_a_desk_applicant_without_an_account_gets_the_link_by_sms():
    from dossiers import services as dossier_services
    from tests.factories import ProcedureVersionFactory, staff_member

    version = ProcedureVersionFactory(published=True, documents=0)
    agency = version.agencies.first()
    dossier = dossier_services.register_at_desk(
        version=version,
        clerk=staff_member(agency),
        receiving_agency=agency,
        channel=Channel.DESK,
        details={"applicant_name": "Lê Văn Tư", "applicant_phone": "0987654321"},
    )
    dossier = returned_dossier(dossier)
    sms = Notification.objects.get(event="satisfaction_invitation", channel="sms")
    # No account, not even a placeholder one: the notice names only the number, in Vietnamese.
    assert sms.address == "0987654321" and sms.recipient is None
    assert sms.language == "vi" and "danh gia muc do hai long" in sms.body
