"""Dossier codes: `<receiving agency code>-<yymmdd>-<4-digit sequence of the day>` (Circular 01/2018), the
pattern kept on the rule set, numbers unique under concurrent filings."""

import datetime
import re

import pytest

from dossiers import codes, services
from dossiers.models import Channel, Dossier, DossierCodeSequence, LookupCodeGuard, RuleSet
from tests.dossiers.factories_core import Clock, draft_ready_to_submit, run_in_threads, vn
from tests.factories import AgencyFactory, CitizenProfileFactory, ProcedureVersionFactory, staff_member

H29 = "000.00.15.H29"


@pytest.fixture
def version():
    return ProcedureVersionFactory(published=True, agencies=[AgencyFactory(code=H29)])


def file_one(version) -> Dossier:
    applicant = CitizenProfileFactory().user
    return services.submit(dossier=draft_ready_to_submit(version, applicant), by=applicant)


def test_format_code_follows_the_circular_example():
    code = codes.format_code(
        "{agency}-{yymmdd}-{seq:04d}", agency_code=H29, day=datetime.date(2024, 1, 5), sequence=7
    )
    assert code == "000.00.15.H29-240105-0007"


def test_a_code_as_typed_is_looked_up_as_stored_and_keys_its_lookup_guard_the_same_way():
    assert codes.as_stored("  000.00.15.h29-240105-0007\t") == "000.00.15.H29-240105-0007"
    assert len(codes.as_stored("A" * 60)) == codes.CODE_LENGTH
    assert LookupCodeGuard._meta.get_field("code").max_length == codes.CODE_LENGTH


@pytest.mark.django_db
def test_a_filed_dossier_gets_agency_code_date_and_the_number_of_the_day(monkeypatch, version):
    Clock(monkeypatch, vn(2026, 1, 5, 9, 0))
    first, second = file_one(version), file_one(version)
    assert (first.code, second.code) == ("000.00.15.H29-260105-0001", "000.00.15.H29-260105-0002")
    assert re.fullmatch(r"000\.00\.15\.H29-\d{6}-\d{4}", first.code)


@pytest.mark.django_db
def test_the_date_is_the_day_in_vietnam_not_in_utc(monkeypatch, version):
    # 23:30 UTC on 4 January is 06:30 on 5 January in Hà Nội.
    Clock(monkeypatch, datetime.datetime(2026, 1, 4, 23, 30, tzinfo=datetime.UTC))
    assert file_one(version).code == "000.00.15.H29-260105-0001"


@pytest.mark.django_db
def test_the_sequence_restarts_each_day(monkeypatch, version):
    clock = Clock(monkeypatch, vn(2026, 1, 5, 16, 0))
    file_one(version)
    file_one(version)
    clock.set(vn(2026, 1, 6, 8, 0))
    assert file_one(version).code == "000.00.15.H29-260106-0001"


@pytest.mark.django_db
def test_the_sequence_is_kept_per_receiving_agency(monkeypatch, version):
    Clock(monkeypatch, vn(2026, 1, 5, 9, 0))
    other = ProcedureVersionFactory(published=True, agencies=[AgencyFactory(code="000.00.16.H29")])
    file_one(version)
    file_one(version)
    assert file_one(other).code == "000.00.16.H29-260105-0001"
    assert file_one(version).code == "000.00.15.H29-260105-0003"


@pytest.mark.django_db
def test_desk_and_online_filings_share_the_agencys_sequence(monkeypatch, version):
    Clock(monkeypatch, vn(2026, 1, 5, 9, 0))
    file_one(version)
    agency = version.agencies.get()
    at_desk = services.register_at_desk(
        version=version,
        clerk=staff_member(agency),
        receiving_agency=agency,
        channel=Channel.DESK,
        details={"applicant_name": "Trần Thị B", "applicant_phone": "0912345678"},
    )
    assert at_desk.code == "000.00.15.H29-260105-0002"


@pytest.mark.django_db
def test_the_pattern_comes_from_the_rule_set_in_force(monkeypatch, version):
    rule_set = RuleSet.objects.get(code="nd118-2025")
    rule_set.dossier_code_pattern = "{date:%Y}/{agency}/{seq:06d}"
    rule_set.save()
    clock = Clock(monkeypatch, vn(2026, 1, 5, 9, 0))
    assert file_one(version).code == "2026/000.00.15.H29/000001"
    # Before 1 July 2025 the old rule set (and its pattern) was in force.
    clock.set(vn(2025, 6, 30, 9, 0))
    assert file_one(version).code == "000.00.15.H29-250630-0001"


@pytest.mark.django_db
def test_next_sequence_counts_per_agency_and_day():
    day = datetime.date(2026, 1, 5)
    assert [codes.next_sequence(agency_code=H29, day=day) for _ in range(3)] == [1, 2, 3]
    assert codes.next_sequence(agency_code=H29, day=day + datetime.timedelta(days=1)) == 1
    assert codes.next_sequence(agency_code="000.00.16.H29", day=day) == 1
    assert DossierCodeSequence.objects.get(agency_code=H29, day=day).last_value == 3


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------------
# serialized_rollback: a transactional test starts from the migrated data (the rule sets) even when an
# earlier one flushed it.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_numbers_from_eight_threads_are_one_to_forty_even_for_the_first_of_the_day():
    day = datetime.date(2026, 1, 5)

    def allocate(_index):
        numbers = []
        for _ in range(5):
            numbers.append(codes.next_sequence(agency_code=H29, day=day))
        return numbers

    results, errors = run_in_threads(8, allocate)

    assert errors == []
    assert sorted(n for numbers in results for n in numbers) == list(range(1, 41))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_forty_concurrent_filings_from_eight_threads_get_forty_distinct_codes(monkeypatch):
    Clock(monkeypatch, vn(2026, 1, 5, 9, 0))
    version = ProcedureVersionFactory(published=True, agencies=[AgencyFactory(code=H29)])
    applicant = CitizenProfileFactory().user
    drafts = [draft_ready_to_submit(version, applicant) for _ in range(40)]

    def file_five(index):
        return [
            services.submit(dossier=draft, by=applicant).code for draft in drafts[index * 5 : index * 5 + 5]
        ]

    results, errors = run_in_threads(8, file_five)

    assert errors == []
    filed = [code for thread_codes in results for code in thread_codes]
    assert len(set(filed)) == 40
    assert sorted(int(code.rsplit("-", 1)[1]) for code in filed) == list(range(1, 41))
    assert all(code.startswith("000.00.15.H29-260105-") for code in filed)
    assert DossierCodeSequence.objects.get(agency_code=H29, day=datetime.date(2026, 1, 5)).last_value == 40
