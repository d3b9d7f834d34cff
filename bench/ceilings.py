"""Ceiling pages for bench/http_pages.py: the least a page of their kind can cost, served by the same
gunicorn, Django and middleware as the portal's pages, so a page's requests per second divided by its
ceiling's is a ratio that does not depend on how busy the machine is.

And two floors: pages doing only what the public lookup and the staff dossier page cannot do without (raw
SQL, the layout with one line of result, nothing else). Measured beside the same ceilings, their ratio is
the most that page could reach on this stack, whatever is optimised."""

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.views.decorators.http import require_GET, require_POST

from bench.filing import CEILING_TABLE
from common import clock
from common.decorators import staff_only
from common.http import client_ip
from dossiers import codes
from dossiers.services import lookups

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


FLOOR_TEMPLATE = engines["django"].from_string(
    """{% extends "base.html" %}{% block content %}<h1>{{ code }}</h1><dl class="facts"><dt>Trạng thái</dt>
<dd>{{ state }}</dd><dt>Thủ tục</dt><dd>{{ procedure }}</dd><dt>Nơi tiếp nhận</dt><dd>{{ agency }}</dd></dl>
{% endblock %}"""
)
LOOKUP_FLOOR_SQL = """
SELECT d.code, d.state, d.applicant_phone, d.applicant_id_number, v.name, a.name,
       (SELECT g.locked_until FROM dossiers_lookupcodeguard g WHERE g.code = d.code AND g.locked_until > %s)
FROM dossiers_dossier d
JOIN procedures_procedureversion v ON v.id = d.procedure_version_id
JOIN procedures_agency a ON a.id = d.receiving_agency_id
WHERE d.code = %s AND d.state <> 'draft'"""


@require_GET
def lookup_floor(request):
    """The public lookup's required work only: the address counted (the portal's own limit), the dossier and
    its code's lock in one raw SELECT, the 4 digits compared, the portal's layout with the result's facts. No
    form, no history, no ORM."""
    if not lookups.lookup_allowed(client_ip(request)):
        return HttpResponse(status=429)
    code, digits = codes.as_stored(request.GET.get("code", "")), request.GET.get("digits", "")
    with connection.cursor() as cursor:
        cursor.execute(LOOKUP_FLOOR_SQL, [clock.now(), code])
        row = cursor.fetchone()
    found = row is not None and row[6] is None and len(digits) == 4 and digits in (row[2][-4:], row[3][-4:])
    facts = {"code": row[0], "state": row[1], "procedure": row[4], "agency": row[5]} if found else {}
    return HttpResponse(FLOOR_TEMPLATE.render({"code": code, **facts}, request))


@require_GET
@staff_only
def staff_page_floor(request, pk):
    """A staff page of one dossier with nothing but what any such page needs: the signed-in member of staff
    (session, user, two-factor mark: the portal's middleware and decorator), the dossier's row by primary key,
    the layout with one line of it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, state FROM dossiers_dossier WHERE id = %s", [pk])
        row = cursor.fetchone() or ("", "")
    return HttpResponse(FLOOR_TEMPLATE.render({"code": row[0], "state": row[1]}, request))
