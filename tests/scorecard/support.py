"""Dossier rows written straight to the table with the dates a scorecard counts by (no services: the tests
need dossiers filed, received and decided on chosen days, in any agency)."""

import datetime
import itertools
import random
from zoneinfo import ZoneInfo

from dossiers.models import Apology, Channel, Dossier, DossierDocument, StoredFile
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_codes = itertools.count(1)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=VN)


def make_dossier(
    version,
    agency,
    *,
    state="submitted",
    filed=None,
    channel=Channel.ONLINE,
    received=None,
    intake_deadline=None,
    decided=None,
    due=None,
    handler=None,
    fee_total=0,
    settled=None,
    settlement="",
    reusing=False,
    apology=False,
    digitised=False,
    e_result=False,
) -> Dossier:
    dossier = Dossier(
        code=f"SC-{next(_codes):06d}",
        procedure_version=version,
        channel=channel,
        applicant_name="Nguyễn Văn Thử",
        receiving_agency=agency,
        handling_agency=handler,
        submitted_at=filed,
        received_at=received,
        intake_deadline=intake_deadline,
        decided_at=decided,
        due_date=due,
        fee_total=fee_total,
        fees_settled_at=settled,
        fees_settlement=settlement,
    )
    dossier.__dict__["state"] = state  # protected FSM field: set the way a migration would
    dossier.save()
    if digitised or e_result:
        _group_four(dossier, digitised=digitised, e_result=e_result)
    if reusing or apology:
        owner = UserFactory()
        if reusing:
            stored = StoredFile.objects.create(
                owner=owner,
                file="private/x.pdf",
                original_name="x.pdf",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
            )
            DossierDocument.objects.create(dossier=dossier, stored_file=stored, reused=True)
        if apology:
            Apology.objects.create(
                dossier=dossier,
                original_due_date=due,
                new_due_date=due,
                reason="Chậm",
                signed_by="A",
                issued_by=owner,
            )
    return dossier


def _stored(owner, **fields) -> StoredFile:
    return StoredFile.objects.create(
        owner=owner,
        file="private/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        **fields,
    )


def _group_four(dossier: Dossier, *, digitised: bool, e_result: bool) -> None:
    """A paper digitised and attested at the desk; a result signed electronically (e_results)."""
    from e_results.models import SignedResult

    clerk = UserFactory()
    if digitised:
        stored = _stored(
            clerk, source=StoredFile.Source.DIGITISED, attested_by=clerk, attested_at=dossier.submitted_at
        )
        DossierDocument.objects.create(dossier=dossier, stored_file=stored)
    if e_result:
        result = DossierDocument.objects.create(
            dossier=dossier, stored_file=_stored(clerk), kind=DossierDocument.Kind.RESULT
        )
        SignedResult.objects.create(
            dossier=dossier,
            document=result,
            status=SignedResult.Status.SIGNED,
            result_number=f"{dossier.code}/KQ1",
        )


def spread(versions, agencies, start: datetime.date, days: int, seed: int = 7) -> list[Dossier]:
    """Dossiers over `days` days and several agencies, in every kind of case the counters tell apart."""
    chooser = random.Random(seed)
    group_four = random.Random(seed + 1)  # its own draws: the other cases stay what they were
    dossiers = []
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        for _n in range(chooser.randint(2, 5)):
            agency, version = chooser.choice(agencies), chooser.choice(versions)
            channel = chooser.choice([Channel.ONLINE, Channel.ONLINE, Channel.DESK, Channel.POST])
            filed = at(day, chooser.randint(7, 16))
            kind = chooser.choice(["submitted", "received", "decided", "decided", "refused", "withdrawn"])
            fields = {
                "state": "submitted",
                "filed": filed,
                "channel": channel,
                "reusing": chooser.random() < 0.3,
            }
            if channel == Channel.ONLINE:
                fields["intake_deadline"] = filed + datetime.timedelta(hours=chooser.choice([2, 30]))
            if chooser.random() < 0.5:
                fields.update(fee_total=50_000)
                if chooser.random() < 0.7:
                    fields.update(
                        settled=filed + datetime.timedelta(hours=chooser.randint(0, 40)),
                        settlement=chooser.choice(["paid_online", "paid_at_desk", "exempt", "cod"]),
                    )
            if kind in ("received", "decided"):
                received = filed + datetime.timedelta(hours=chooser.randint(1, 30))
                fields.update(
                    state="in_progress", received=received, due=received.date() + datetime.timedelta(days=6)
                )
            if kind == "decided":
                decided = fields["received"] + datetime.timedelta(days=chooser.randint(0, 12), hours=1)
                fields.update(
                    state=chooser.choice(["approved", "returned", "denied", "stopped", "result_ready"]),
                    decided=decided,
                    handler=chooser.choice([None, chooser.choice(agencies)]),
                    apology=chooser.random() < 0.15,
                )
            if kind in ("refused", "withdrawn"):
                fields.update(state=kind, decided=filed + datetime.timedelta(hours=3))
            fields.update(digitised=group_four.random() < 0.3, e_result=group_four.random() < 0.5)
            dossiers.append(make_dossier(version, agency, **fields))
        if chooser.random() < 0.2:
            make_dossier(chooser.choice(versions), chooser.choice(agencies), state="draft")
    return dossiers
