"""Ceiling pages for bench/http_pages.py: the least a page of their kind can cost, served by the same
gunicorn, Django and middleware as the portal's pages, so a page's requests per second divided by its
ceiling's is a ratio that does not depend on how busy the machine is."""

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.views.decorators.http import require_GET, require_POST

from bench.filing import CEILING_TABLE

# Compiled once, as the cached template loader keeps the portal's templates.
ROWS_TEMPLATE = engines["django"].from_string(
    """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ title }}</title></head><body>
<h1>{{ title }}</h1><table><thead><tr><th>Mã</th><th>Thủ tục</th><th>Trạng thái</th><th>Hạn</th></tr></thead>
<tbody>{% for row in rows %}<tr><td><a href="/x/{{ row.pk }}/">{{ row.code }}</a></td><td>{{ row.name }}</td>
<td>{{ row.state }}</td><td>{{ row.due|date:"d/m/Y" }}</td></tr>{% endfor %}</tbody></table></body></html>"""
)
ONE_ROW_TEMPLATE = engines["django"].from_string(
    """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ code }}</title></head>
<body><p>{{ code }}</p></body></html>"""
)


def _rows():
    import datetime

    day = datetime.date(2026, 12, 4)
    return [
        {
            "pk": n,
            "code": f"000.01.30.H43-261204-{n:04d}",
            "name": "Chứng thực bản sao từ bản chính",
            "state": "Đã tiếp nhận",
            "due": day,
        }
        for n in range(25)
    ]


ROWS = _rows()


@require_GET
def template_rows(request):
    """A 25-row table rendered from memory: no query."""
    return HttpResponse(ROWS_TEMPLATE.render({"title": "Trần", "rows": ROWS}))


@require_GET
def pk_select(request):
    """One SELECT by primary key, through the ORM's connection, and a one-line page."""
    try:
        pk = int(request.GET.get("id", "1"))
    except ValueError:
        pk = 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM dossiers_dossier WHERE id = %s", [pk])
        row = cursor.fetchone()
    return HttpResponse(ONE_ROW_TEMPLATE.render({"code": row[0] if row else ""}))


@require_POST
def insert_row(request):
    """A form's POST (the CSRF check included) doing one INSERT in a transaction, answered with a redirect as
    the wizard's submit is (post, redirect, get)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {CEILING_TABLE} (note) VALUES (%s)", ["ceiling"])
    return HttpResponseRedirect("/bench/ceiling/template/")
