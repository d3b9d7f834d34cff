from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common import clock
from common.downloads import XLSX, private_download
from common.replica import reads_lag_tolerant

from . import charts, export, selectors
from .figures import DOSSIER_COUNTERS, dossiers_behind
from .forms import DrillForm, ScopeForm
from .policies import can_view_scorecard

DOSSIERS_PER_PAGE = 50


def _leaders_only(request) -> None:
    if not can_view_scorecard(request.user):
        raise PermissionDenied(_("The scorecard is for the province's leaders and administrators."))


def _scope_query(level: str, agency, period: selectors.Period) -> dict:
    query = {"level": level, **period.query()}
    if agency is not None:
        query["agency"] = agency.code
    return query


def _page_link(level: str, agency, period: selectors.Period) -> str:
    return f"{reverse('scorecard:page')}?{urlencode(_scope_query(level, agency, period))}"


def _drill_link(name: str, report: selectors.Report, start=None, end=None) -> str:
    query = {
        "figure": name,
        "level": report.level,
        "start": (start or report.period.start).isoformat(),
        "end": (end or report.period.end).isoformat(),
    }
    if report.agency is not None:
        query["agency"] = report.agency.code
    return f"{reverse('scorecard:dossiers')}?{urlencode(query)}"


def _indicator_rows(report: selectors.Report) -> list[dict]:
    groups = []
    for group in report.card.groups:
        rows = []
        for row in group.indicators:
            links = [_drill_link(name, report) for name in row.indicator.drill]
            rows.append({"score": row, "links": links})
        groups.append({"score": group, "rows": rows})
    return groups


def _trend_charts(report: selectors.Report) -> list:
    charts_ = []
    for index, group in enumerate(selectors.GROUPS):
        points = []
        for month, card in report.trend:
            link = _page_link(report.level, report.agency, month)
            points.append((month.label, card.groups[index].percent, link))
        title = _("%(group)s: share of its points with data, last 12 months") % {"group": group.name}
        charts_.append({"group": group, "svg": charts.trend_line(title, points, f"trend-{group.number}")})
    return charts_


def _ranking(report: selectors.Report) -> list[dict]:
    return [
        {
            "row": row,
            "bar": charts.bar(row.card.percent),
            "link": _page_link(report.level, row.agency, report.period),
        }
        for row in report.ranking
    ]


@require_GET
@login_required
@reads_lag_tolerant
def page(request):
    """Decision 766 scorecard of an agency or a level over a month, quarter or year (sums of daily rows)."""
    _leaders_only(request)
    form = ScopeForm(request.GET or None)
    level, agency, period = form.scope()
    report = selectors.report(period, level=level, agency=agency)
    query = urlencode(_scope_query(level, agency, period))
    return render(
        request,
        "scorecard/page.html",
        {
            "form": form,
            "report": report,
            "groups": _indicator_rows(report),
            "trends": _trend_charts(report),
            "ranking": _ranking(report),
            "export_url": f"{reverse('scorecard:export')}?{query}",
            "level_label": dict(selectors.LEVELS)[level],
        },
    )


@require_GET
@login_required
@reads_lag_tolerant
def export_xlsx(request):
    _leaders_only(request)
    level, agency, period = ScopeForm(request.GET or None).scope()
    report = selectors.report(period, level=level, agency=agency)
    scope_name = agency.name if agency is not None else str(dict(selectors.LEVELS)[level])
    name = f"chi-so-766-{agency.code if agency else level or 'tinh'}-{period.label.replace('/', '-')}.xlsx"
    return private_download(export.workbook(report, scope_name), filename=name, content_type=XLSX)


@require_GET
@login_required
@reads_lag_tolerant
def dossiers(request):
    """The dossiers behind one figure of the scorecard: the same definition the daily rows count with."""
    _leaders_only(request)
    form = DrillForm(request.GET)
    if not form.is_valid():
        return render(request, "scorecard/dossiers.html", {"form": form}, status=400)
    data = form.cleaned_data
    agency = data.get("agency")
    ids = (
        [agency.pk]
        if agency is not None
        else [each.pk for each in selectors.agencies_at(data.get("level") or "")]
    )
    rows = (
        dossiers_behind(data["figure"], data["start"], data["end"], ids)
        .select_related("procedure_version__procedure", "receiving_agency", "handling_agency")
        .order_by("pk")
    )
    page_ = Paginator(rows, DOSSIERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scorecard/dossiers.html",
        {
            "form": form,
            "counter": DOSSIER_COUNTERS[data["figure"]],
            "agency": agency,
            "level_label": dict(selectors.LEVELS)[data.get("level") or ""],
            "start": data["start"],
            "end": data["end"],
            "page": page_,
            "query": query.urlencode(),
        },
    )


@require_GET
@reads_lag_tolerant
def public(request):
    """Chỉ số phục vụ: the province's and each agency's score for the last complete month. Figures only."""
    period = selectors.last_complete_month(clock.localdate())
    card, ranking = selectors.public_report(period)
    return render(
        request,
        "scorecard/public.html",
        {
            "period": period,
            "card": card,
            "ranking": [{"row": row, "bar": charts.bar(row.card.percent)} for row in ranking],
        },
    )
