"""The feedback access matrix: each page and action of feedback/urls.py opened by each kind of person.

    anonymous     not signed in
    sender        citizen A, who sent the unpublished item U (agency X)
    citizen_b     another citizen
    staff_x       officer of agency X, which U concerns
    staff_y       officer of another agency, Y
    phone_sender  a browser session without an account that sent item V after confirming its phone

P is a published item of agency X. The public sees published answers only; a sender sees their own; an
agency's staff see their agency's. A refusal is a 404 (the item does not exist for them), 403 for a staff
page opened by a citizen, or the sign-in page; a refused POST changes nothing.
"""

import pytest
from django.test import Client
from django.urls import reverse

from feedback import services
from feedback.models import Feedback, FeedbackState
from feedback.views import SENT_KEY
from tests.dossiers.factories_extra import citizen, sign_in
from tests.factories import staff_member

from .conftest import confirmed_phone, send

pytestmark = pytest.mark.django_db
PEOPLE = ["anonymous", "sender", "citizen_b", "staff_x", "staff_y", "phone_sender"]


@pytest.fixture
def world(sender, agency_x, agency_y, officer_x):
    unpublished = send(sender, agency_x, title="Chưa công khai U")
    published = send(citizen(), agency_x, title="Đã công khai P")
    published = services.answer_feedback(feedback=published, by=officer_x, answer="Trả lời P")
    published = services.publish_feedback(
        feedback=published, by=officer_x, **services.publication_draft(published)
    )
    by_phone = services.send_feedback(
        subject=services.Subject(agency=agency_x),
        title="Gửi bằng điện thoại V",
        content="Nội dung",
        consent_to_publish=False,
        sender_name="Phạm Văn Ba",
        confirmation=confirmed_phone(),
    )
    clients = {"anonymous": Client(), "phone_sender": Client()}
    session = clients["phone_sender"].session
    session[SENT_KEY] = [by_phone.pk]
    session.save()
    clients["sender"] = sign_in(Client(), sender)
    clients["citizen_b"] = sign_in(Client(), citizen())
    clients["staff_x"] = sign_in(Client(), officer_x)
    clients["staff_y"] = sign_in(Client(), staff_member(agency_y, role="officer"))
    return {"U": unpublished, "P": published, "V": by_phone, "X": agency_x, "clients": clients}


def expect(person, **cells):
    return cells.get(person, cells.get("other"))


@pytest.mark.parametrize("person", PEOPLE)
def test_public_list_shows_published_answers_only(world, person):
    response = world["clients"][person].get(reverse("feedback:public_list"))
    assert response.status_code == 200
    assert "Đã công khai P" in response.content.decode()
    assert "Chưa công khai U" not in response.content.decode()


@pytest.mark.parametrize("person", PEOPLE)
def test_a_published_item_is_public_an_unpublished_one_does_not_exist_there(world, person):
    client = world["clients"][person]
    assert client.get(reverse("feedback:public_detail", args=[world["P"].pk])).status_code == 200
    assert client.get(reverse("feedback:public_detail", args=[world["U"].pk])).status_code == 404
    assert client.get(reverse("feedback:public_detail", args=[world["V"].pk])).status_code == 404


@pytest.mark.parametrize("person", PEOPLE)
def test_a_sender_sees_their_own(world, person):
    client = world["clients"][person]
    u = client.get(reverse("feedback:mine_detail", args=[world["U"].pk])).status_code
    v = client.get(reverse("feedback:mine_detail", args=[world["V"].pk])).status_code
    assert u == expect(person, sender=200, other=404)
    assert v == expect(person, phone_sender=200, other=404)


@pytest.mark.parametrize("person", PEOPLE)
def test_my_feedback_list(world, person):
    response = world["clients"][person].get(reverse("feedback:mine"))
    if person == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    text = response.content.decode()
    assert response.status_code == 200
    assert ("Chưa công khai U" in text) == (person == "sender")
    assert ("Gửi bằng điện thoại V" in text) == (person == "phone_sender")


@pytest.mark.parametrize("person", PEOPLE)
def test_the_agency_queue_and_item_pages_are_for_its_staff(world, person):
    client = world["clients"][person]
    pages = [
        reverse("feedback:staff_queue", args=[world["X"].code]),
        reverse("feedback:staff_detail", args=[world["U"].pk]),
        reverse("feedback:satisfaction", args=[world["X"].code]),
    ]
    for url in pages:
        response = client.get(url)
        if person in {"anonymous", "phone_sender"}:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code == expect(person, staff_x=200, staff_y=404, other=403), url
    queue = client.get(pages[0])
    if person == "staff_x":
        assert "Chưa công khai U" in queue.content.decode()


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("action", ["take", "answer", "assign", "close", "publish"])
def test_only_the_agency_staff_act(world, person, action, officer_x):
    client = world["clients"][person]
    url = reverse("feedback:staff_act", args=[world["U"].pk, action])
    data = {"answer": "Đã giải quyết", "assignee": officer_x.pk, "reason": "x"}
    response = client.post(url, data)
    state = Feedback.objects.get(pk=world["U"].pk).state
    if person == "staff_x":
        expected = {
            "take": FeedbackState.ASSIGNED,
            "answer": FeedbackState.ANSWERED,
            "assign": FeedbackState.ASSIGNED,
        }
        if action in expected:
            assert response.status_code == 302 and state == expected[action]
        else:  # close and publish need an answer first: refused with the form and its message
            assert response.status_code == 400 and state == FeedbackState.RECEIVED
        return
    if person in {"anonymous", "phone_sender"}:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expect(person, staff_y=404, other=403)
    assert state == FeedbackState.RECEIVED


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_sender_withdraws(world, person):
    client = world["clients"][person]
    response = client.post(reverse("feedback:withdraw", args=[world["U"].pk]))
    state = Feedback.objects.get(pk=world["U"].pk).state
    if person == "sender":
        assert response.status_code == 302 and state == FeedbackState.WITHDRAWN
    else:
        assert response.status_code == 404 and state == FeedbackState.RECEIVED
    phone = client.post(reverse("feedback:withdraw", args=[world["V"].pk]))
    assert phone.status_code == (302 if person == "phone_sender" else 404)


@pytest.mark.parametrize("url", ["/phan-anh-kien-nghi/999999/", "/phan-anh-kien-nghi/cua-toi/999999/"])
def test_unknown_ids_are_404(world, url):
    assert world["clients"]["anonymous"].get(url).status_code == 404


def test_the_sms_link_opens_the_phone_senders_item_in_a_new_session(world):
    client = Client()
    assert client.get(reverse("feedback:mine_detail", args=[world["V"].pk])).status_code == 404
    response = client.get(services.sender_link(world["V"]))
    assert response.status_code == 302
    assert client.get(reverse("feedback:mine_detail", args=[world["V"].pk])).status_code == 200
    assert client.get(reverse("feedback:by_link", args=["forged-token"])).status_code == 404
