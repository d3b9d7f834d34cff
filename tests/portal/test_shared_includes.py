"""The template fragments several pages share (templates/includes/): the pagination under a list keeps
each page's own query string and wording, and the confirm-button row of the citizen forms."""

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from dossiers import services
from dossiers.views.citizen import MY_DOSSIERS_PER_PAGE
from dossiers.views.staff import QUEUE_PER_PAGE
from tests.dossiers.staff_support import file_online, sign_in, world
from tests.factories import PURPOSE, CitizenProfileFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def pagination_of(html: str) -> str:
    start = html.index('<nav class="pagination"')
    return html[start : html.index("</nav>", start) + len("</nav>")]


def sign_in_with_drafts(client, count: int, language: str = "en") -> None:
    """A citizen with `count` unfiled dossiers, signed in and reading `language`."""
    citizen = CitizenProfileFactory(user__language=language).user
    version = ProcedureVersionFactory(published=True)
    for _n in range(count):
        services.start_draft(version=version, applicant=citizen, form_data=PURPOSE)
    client.force_login(citizen)
    client.cookies["portal_language"] = language


def test_my_dossiers_pages_with_previous_and_next_links(client):
    sign_in_with_drafts(client, MY_DOSSIERS_PER_PAGE + 1)

    first = pagination_of(client.get(reverse("dossiers:mine")).content.decode())
    assert 'aria-label="Pages"' in first
    assert '<a href="?page=2">Next page</a>' in first
    assert "<span>Page 1 of 2</span>" in first
    assert "Previous" not in first

    second = pagination_of(client.get(reverse("dossiers:mine"), {"page": 2}).content.decode())
    assert '<a href="?page=1">Previous page</a>' in second
    assert "<span>Page 2 of 2</span>" in second
    assert "Next" not in second


def test_the_pagination_speaks_vietnamese(client):
    sign_in_with_drafts(client, MY_DOSSIERS_PER_PAGE + 1, language="vi")

    nav = pagination_of(client.get(reverse("dossiers:mine")).content.decode())
    assert 'aria-label="Phân trang"' in nav
    assert '<a href="?page=2">Trang sau</a>' in nav
    assert "<span>Trang 1/2</span>" in nav


def test_a_one_page_list_has_no_pagination(client):
    sign_in_with_drafts(client, MY_DOSSIERS_PER_PAGE)
    assert 'class="pagination"' not in client.get(reverse("dossiers:mine")).content.decode()


def test_the_queue_pages_keep_the_view_and_the_order(client):
    w = world()
    version = w.version(documents=0)
    for _n in range(QUEUE_PER_PAGE + 1):
        file_online(w, version=version)
    sign_in(client, w.desk.clerk)
    client.cookies["portal_language"] = "en"
    url = reverse("staff:queue", args=[w.desk.agency.code])

    first = pagination_of(client.get(url, {"view": "new", "order": "code"}).content.decode())
    assert '<a href="?view=new&amp;order=code&amp;page=2" rel="next">Next page</a>' in first
    assert "Previous" not in first

    second = client.get(url, {"view": "new", "order": "code", "page": 2})
    assert len(second.context["rows"]) == 1
    nav = pagination_of(second.content.decode())
    assert '<a href="?view=new&amp;order=code&amp;page=1" rel="prev">Previous page</a>' in nav
    assert "<span>Page 2</span>" in nav  # no total: the tab's count is above


def render_pagination(number: int, **params) -> str:
    page = Paginator(list(range(45)), 20).get_page(number)
    with translation.override("en"):
        return render_to_string("includes/pagination.html", {"page": page, **params})


def test_the_include_keeps_a_filter_query_as_the_register_does():
    nav = render_pagination(2, query="state=received&q=L%C3%AA")
    assert '<a href="?state=received&amp;q=L%C3%AA&amp;page=1">Previous page</a>' in nav
    assert '<a href="?state=received&amp;q=L%C3%AA&amp;page=3">Next page</a>' in nav
    assert "<span>Page 2 of 3</span>" in nav
    assert "rel=" not in nav


def test_the_catalogue_style_has_arrows_and_rel_links():
    nav = render_pagination(2, query="q=khai+sinh", arrows=True)
    assert '<a href="?q=khai+sinh&amp;page=1" rel="prev">← Previous</a>' in nav
    assert '<a href="?q=khai+sinh&amp;page=3" rel="next">Next →</a>' in nav
    assert "Previous page" not in nav and "Next page" not in nav


def test_one_page_renders_no_pagination():
    page = Paginator(list(range(5)), 20).get_page(1)
    assert render_to_string("includes/pagination.html", {"page": page}).strip() == ""


@pytest.mark.parametrize(
    ("language", "button", "link"),
    [("en", "Withdraw the dossier", "Back"), ("vi", "Rút hồ sơ", "Quay lại")],
)
def test_the_form_actions_row_translates_its_labels(language, button, link):
    template = Template(
        '{% include "includes/form_actions.html" with submit=_("Withdraw the dossier") danger=True '
        'cancel_url="/dossiers/7/" cancel=_("Back") %}'
    )
    with translation.override(language):
        html = template.render(Context())
    assert f'<button type="submit" class="button button-danger">{button}</button>' in html
    assert f'<a href="/dossiers/7/">{link}</a>' in html


def test_the_form_actions_row_without_danger_has_a_plain_button():
    html = Template(
        '{% include "includes/form_actions.html" with submit="Send" cancel_url="/" cancel="Back" %}'
    ).render(Context())
    assert '<button type="submit" class="button">Send</button>' in html
