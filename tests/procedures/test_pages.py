import pytest
from django.urls import reverse

from procedures.services import refresh_search_vocabulary
from tests.factories import AgencyFactory, FieldFactory, ProcedureFeeFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def make_catalogue(count):
    field = FieldFactory(code="ho-tich", name="Hộ tịch")
    agencies = [AgencyFactory(), AgencyFactory()]
    for n in range(count):
        version = ProcedureVersionFactory(
            published=True, field=field, agencies=agencies, name=f"Đăng ký số {n}"
        )
        ProcedureFeeFactory(version=version)
    refresh_search_vocabulary()


@pytest.mark.parametrize("count", [3, 20])
def test_catalogue_list_query_count_does_not_grow_with_procedures_shown(
    client, django_assert_max_num_queries, count
):
    make_catalogue(count)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("procedures:catalogue"))
    assert response.status_code == 200
    assert response.content.decode().count('class="badge badge-full"') == count


@pytest.mark.parametrize("count", [3, 20])
def test_catalogue_search_query_count_is_constant(client, django_assert_max_num_queries, count):
    make_catalogue(count)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("procedures:catalogue"), {"q": "dang ky", "field": "ho-tich"})
    assert response.status_code == 200


@pytest.mark.parametrize("documents", [1, 12])
def test_detail_query_count_does_not_depend_on_documents(client, django_assert_max_num_queries, documents):
    version = ProcedureVersionFactory(published=True, documents=documents)
    ProcedureFeeFactory(version=version)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("procedures:detail", args=[version.procedure.national_code]))
    assert response.status_code == 200
    assert response.content.decode().count("Giấy tờ số") == documents


def test_detail_shows_what_a_citizen_needs(client):
    version = ProcedureVersionFactory(published=True, name="Đăng ký khai sinh", processing_days=3)
    ProcedureFeeFactory(version=version, amount=50_000, online_discount_percent=50, description="Lệ phí")
    page = client.get(reverse("procedures:detail", args=[version.procedure.national_code])).content.decode()
    assert "Đăng ký khai sinh" in page
    assert "50.000" in page or "50,000" in page
    assert "25.000" in page or "25,000" in page  # the online-filing price
    assert "Giấy tờ số" in page


def test_draft_and_unknown_procedures_are_404(client):
    draft = ProcedureVersionFactory()
    assert client.get(reverse("procedures:detail", args=[draft.procedure.national_code])).status_code == 404
    assert client.get(reverse("procedures:detail", args=["9.999999"])).status_code == 404


def test_archived_version_stays_readable(client):
    old = ProcedureVersionFactory(archived=True, name="Bản cũ")
    ProcedureVersionFactory(published=True, procedure=old.procedure, version_number=2, name="Bản mới")
    code = old.procedure.national_code
    assert "Bản mới" in client.get(reverse("procedures:detail", args=[code])).content.decode()
    response = client.get(reverse("procedures:version", args=[code, 1]))
    assert response.status_code == 200
    assert "Bản cũ" in response.content.decode()


def test_catalogue_paginates(client):
    make_catalogue(25)
    first = client.get(reverse("procedures:catalogue")).content.decode()
    second = client.get(reverse("procedures:catalogue"), {"page": 2}).content.decode()
    assert first.count("<li>\n    <a href") == 20 or first.count('class="meta"') >= 40
    assert 'rel="prev"' in second
    assert "Đăng ký số" in second


def test_filters_by_level_and_full_process(client):
    ProcedureVersionFactory(published=True, name="Cấp tỉnh toàn trình", levels="province")
    ProcedureVersionFactory(published=True, name="Cấp xã một phần", levels="commune", partial=True)
    page = client.get(reverse("procedures:catalogue"), {"level": "commune"}).content.decode()
    assert "Cấp xã một phần" in page and "Cấp tỉnh toàn trình" not in page
    page = client.get(reverse("procedures:catalogue"), {"full_process": "on"}).content.decode()
    assert "Cấp tỉnh toàn trình" in page and "Cấp xã một phần" not in page


def test_home_has_the_search_box(client):
    page = client.get(reverse("home")).content.decode()
    assert '<input id="home-search" type="search" name="q"' in page


# --- the public pages kept in the cache (procedures/views.py) ---------------------------------------------
def main_part(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_a_procedure_page_and_a_search_read_again_cost_no_query_and_show_the_same(
    client, django_assert_num_queries
):
    make_catalogue(3)
    version = ProcedureVersionFactory(published=True, name="Đăng ký khai sinh")
    for url, params in [
        (reverse("procedures:detail", args=[version.procedure.national_code]), {}),
        (reverse("procedures:catalogue"), {"q": "dang ky", "field": "ho-tich"}),
    ]:
        first = client.get(url, params)
        with django_assert_num_queries(0):
            again = client.get(url, params)
        assert again.status_code == first.status_code == 200
        assert main_part(again) == main_part(first)  # the layout's CSRF token is masked anew each time


def test_a_publish_shows_on_the_pages_kept_in_the_cache_once_it_commits(
    client, django_capture_on_commit_callbacks
):
    from procedures import services
    from tests.procedures.factories_extra import catalogue_admin

    v1 = ProcedureVersionFactory(published=True, name="Cấp bản sao trích lục hộ tịch")
    ProcedureFeeFactory(version=v1)
    refresh_search_vocabulary()
    detail = reverse("procedures:detail", args=[v1.procedure.national_code])
    search = (reverse("procedures:catalogue"), {"q": "trich luc"})
    assert "Cấp bản sao trích lục hộ tịch" in client.get(detail).content.decode()
    assert "Cấp bản sao trích lục hộ tịch" in client.get(*search).content.decode()

    v2 = services.create_new_version(version=v1, by=catalogue_admin())
    v2.name = "Cấp bản sao trích lục hộ tịch (sửa đổi)"
    v2.save()
    v2.submit_for_review()
    v2.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(version=v2, by=catalogue_admin())

    assert "(sửa đổi)" in client.get(detail).content.decode()
    assert "(sửa đổi)" in client.get(*search).content.decode()


def test_a_refused_search_and_an_unknown_procedure_are_built_each_time(client):
    too_long = {"q": "x" * 500}
    for _ in range(2):
        page = client.get(reverse("procedures:catalogue"), too_long)
        assert page.status_code == 400
        assert page.context["form"].errors  # built again, not read from the cache
        assert client.get(reverse("procedures:detail", args=["9.999999"])).status_code == 404


def test_each_language_keeps_its_own_page(client):
    version = ProcedureVersionFactory(published=True)
    url = reverse("procedures:detail", args=[version.procedure.national_code])
    assert "Phí, lệ phí" in client.get(url).content.decode()
    client.cookies["portal_language"] = "en"
    english = client.get(url).content.decode()
    assert "Fees and charges" in english
    client.cookies["portal_language"] = "vi"
    assert "Fees and charges" not in client.get(url).content.decode()
