"""Each indicator's formula on a hand-computed month of one agency, the threshold rule and "no data"."""

import datetime
import sys

import pytest

from national_sync.selectors import SyncRatio
from scorecard import figures, indicators, selectors
from scorecard.indicators import INDICATORS, score, score_lower_is_better
from tests.factories import AgencyFactory, ProcedureVersionFactory
from tests.scorecard.support import at, make_dossier

pytestmark = pytest.mark.django_db

D = datetime.date
MARCH = selectors.Period(selectors.MONTH, 2026, 3)


def test_the_table_adds_up_to_six_groups_and_100_points():
    indicators.check_table()
    assert {indicator.group for indicator in INDICATORS} == {1, 2, 3, 4, 5, 6}
    assert len({indicator.code for indicator in INDICATORS}) == len(INDICATORS)
    assert all(indicator.formula and indicator.source for indicator in INDICATORS)


def test_full_points_at_or_above_the_target_otherwise_in_proportion():
    assert score(0.5, 0.5, 4) == 4.0  # exactly the target
    assert score(0.9, 0.5, 4) == 4.0  # above it: never more than the maximum
    assert score(0.25, 0.5, 4) == pytest.approx(2.0)  # half the target: half the points
    assert score(0.0, 0.8, 6) == 0.0
    assert score(None, 0.8, 6) is None  # no data is not zero


def test_lower_is_better_full_points_within_the_norm_then_norm_over_value():
    assert score_lower_is_better(4.0, 5.0, 6) == 6.0
    assert score_lower_is_better(10.0, 5.0, 6) == pytest.approx(3.0)  # twice as long: half the points
    assert score_lower_is_better(None, 5.0, 6) is None


def test_a_ratio_without_a_denominator_is_no_data_not_zero():
    card = selectors.scorecard({"filed": 0, "filed_online": 0})
    row = card.indicator("3.3")
    assert row.measure.value is None and row.points is None
    assert card.max_with_data == 0 and card.percent is None


def test_each_indicator_on_a_hand_computed_month(march):
    card = selectors.report(MARCH, agency=march).card
    expected = {
        # code: (value, points)
        "1.3": (2 / 3, 6 * 2 / 3),  # 1 and 5 received in their 8 hours, 3 not
        "2.1": (1 / 3, 14 / 3),  # only 1 on time of 3 decided (5 had an apology)
        "2.2": (11 / 3, 6.0),  # (3 + 7 + 1) / 3 working days, under the prescribed 5
        "3.1": (1.0, 4.0),
        "3.2": (0.5, 4 * 0.5 / 0.8),  # 1 full-process of 2, target 80 %
        "3.3": (3 / 6, 4.0),  # 3 online of 6 filed (the exempted desk one counts): 50 % = target
        "4.1": (1 / 2, 4 * 0.5),  # of the 2 decided with a result (1, 2), 2 has a signed e-result
        "4.2": (1 / 3, 6 * (1 / 3) / 0.8),  # 2 digitised and signed, of 3 decided (5 is digitised, denied)
        "4.3": (1 / 6, 6 * (1 / 6) / 0.8),
        "5.1": (0.5, 3.0),  # paid online 1 of the 2 paid (the exemption is no payment)
    }
    for code, (value, points) in expected.items():
        row = card.indicator(code)
        assert row.measure.value == pytest.approx(value), code
        assert row.points == pytest.approx(points), code
    assert card.indicator("2.2").measure.norm == pytest.approx(5.0)
    for code in ("1.1", "1.4", "4.4", "4.5", "5.2", "6.1", "6.2"):
        assert card.indicator(code).points is None, code  # no data, never 0
    assert card.max_with_data == 6 + 14 + 6 + 4 + 4 + 4 + 4 + 6 + 6 + 6
    assert card.points == pytest.approx(sum(points for _value, points in expected.values()))


def test_a_figure_from_another_app_counts_when_that_app_answers(march, monkeypatch):
    class FakeSync:
        @staticmethod
        def sync_ratios_by_day(start, end):
            assert start <= D(2026, 3, 2) <= end
            return {(march.pk, D(2026, 3, 2)): SyncRatio(synced=3, total=4)}

    monkeypatch.setitem(sys.modules, "national_sync.selectors", FakeSync)
    figures.refresh_day(D(2026, 3, 2))
    row = selectors.report(MARCH, agency=march).card.indicator("1.4")
    assert row.measure.value == pytest.approx(0.75) and row.points == pytest.approx(4.5)


def test_the_sync_and_feedback_figures_come_from_their_apps_when_installed():
    """The real selectors of national_sync and feedback answer for an agency (no ImportError swallowed)."""
    agency = AgencyFactory()
    version = ProcedureVersionFactory(published=True, agencies=[agency])
    make_dossier(version, agency, filed=at(D(2026, 3, 2), 9))
    figures.refresh_day(D(2026, 3, 2))
    row = figures.DailyAgencyFigures.objects.get(agency=agency, day=D(2026, 3, 2))
    assert row.sync_total == 1 and row.synced == 0
    assert row.feedback_received == 0 and row.ratings == 0
