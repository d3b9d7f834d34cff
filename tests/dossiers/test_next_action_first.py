"""The applicant's dossier page (and the page right after filing) starts with the one thing to do next — pay,
add what is asked, finish the draft — above the status card, and says the fee once. The Pay button comes
from payments through the panel registry's "citizen.next_action" place: dossiers never imports payments."""

import pytest
from django.urls import reverse

from dossiers import panels, services
from dossiers.models import FeeSettlement
from tests.dossiers.factories_extra import citizen, complete_draft, draft, sign_in, supplement_requested
from tests.factories import ProcedureFeeFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def filed_with_fee(amount=135_000):
    version = ProcedureVersionFactory(published=True, documents=1)
    ProcedureFeeFactory(version=version, amount=amount)
    person = citizen()
    return complete_draft(version=version, applicant=person), person


def test_after_filing_the_pay_button_comes_first_and_the_fee_is_shown_once(client):
    dossier, person = filed_with_fee()
    sign_in(client, person)
    page = client.post(reverse("dossiers:submit", args=[dossier.pk]), follow=True).content.decode()
    main = page[page.index("<main") :]
    pay = main.index(f'action="{reverse("payments:pay", args=[dossier.pk])}"')
    assert pay < main.index('class="card status-card')
    assert main.index('class="card next-action-card"') < pay
    assert main.count("135,000") == 1  # on the button only: not in a card title, not in the facts
    assert "Pay 135,000 VND online" in main


def test_once_paid_the_fee_is_a_fact_of_the_status_card_and_nothing_is_left_to_do(client):
    dossier, person = filed_with_fee()
    dossier = services.submit(dossier=dossier, by=person)
    services.settle_fees(
        dossier=dossier, settlement=FeeSettlement.PAID_ONLINE, reference="TXN-1", amount=dossier.fee_total
    )
    sign_in(client, person)
    main = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    main = main[main.index("<main") :]
    assert "next-action-card" not in main and reverse("payments:pay", args=[dossier.pk]) not in main
    facts = main[main.index('class="card status-card') : main.index("</section>", main.index("status-card"))]
    assert main.count("135,000") == 1 and "135,000" in facts and "paid" in facts


def test_a_requested_supplement_is_the_next_action_at_the_top(client):
    dossier, _request = supplement_requested()
    sign_in(client, dossier.applicant)
    main = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    main = main[main.index("<main") :]
    top = main[: main.index('class="card status-card')]
    assert "next-action-card" in top and reverse("dossiers:answer_supplement", args=[dossier.pk]) in top


def test_a_draft_offers_to_continue_at_the_top(client):
    person = citizen()
    dossier = draft(applicant=person)
    sign_in(client, person)
    main = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    top = main[main.index("<main") : main.index('class="card status-card')]
    assert reverse("dossiers:wizard", args=[dossier.pk, "review"]) in top


def test_only_the_first_next_action_panel_with_something_to_show_is_rendered(monkeypatch, rf):
    monkeypatch.setattr(panels, "_panels", {})
    monkeypatch.setattr(panels, "render_to_string", lambda name, context, request=None: context["word"])
    for order, (name, word) in enumerate([("a.none", None), ("b.pay", "pay"), ("c.book", "book")]):
        panels.register_panel(name=name, place="citizen.next_action", template="x", order=order)(
            lambda dossier, request, word=word: {"word": word} if word else None
        )
    assert panels.render_first_panel(object(), "citizen.next_action", rf.get("/")) == "pay"
