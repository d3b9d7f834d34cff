"""The applicant's appointment page among a million dossiers (run on demand, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_appointments \\
        .venv/bin/python bench/dossiers_1m.py --dossiers 1000000   # loads the dossiers first
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_appointments \\
        .venv/bin/python bench/appointments.py

Picks a dossier that may book (a partial-process dossier waiting for its originals check, else a result to
collect at the desk), fills half the seats of its desk's next two weeks (SlotBooking rows), then times
through Django's test client: the day picker, a day's times, and the dossier page with the appointment card;
prints p50 / p95 / max and the queries per page. See bench/README.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def bookable_dossier():
    """A dossier its applicant may book an appointment for (also used by bench/http_pages.py)."""
    from django.db.models import Q

    from appointments import services
    from dossiers.models import BEFORE_DECISION, Dossier, State

    candidates = Dossier.objects.filter(applicant__isnull=False, applicant__is_active=True).filter(
        Q(
            state__in=BEFORE_DECISION,
            procedure_version__service_level="partial",
            procedure_version__partial_reason__in=["originals", "in_person"],
            originals_checked_at__isnull=True,
        )
        | Q(state__in=[State.APPROVED, State.RESULT_READY], return_channel="desk")
    )
    dossiers = candidates.select_related("procedure_version")[:200]
    return next(d for d in dossiers if services.open_purposes(d))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from appointments import services
    from appointments.models import SlotBooking
    from dossiers.models import Dossier

    settings.ALLOWED_HOSTS = ["*"]
    total = Dossier.objects.count()
    dossier = bookable_dossier()
    agency = dossier.receiving_agency
    first, last = services.booking_window(agency)
    slots = services.available_slots(agency, first, last)
    SlotBooking.objects.bulk_create(
        [SlotBooking(agency=agency, starts_at=slot.starts_at, taken=1) for slot in slots[::2]],
        ignore_conflicts=True,
    )
    purpose = services.open_purposes(dossier)[0]
    day = services.available_slots(agency, first, last)[0].starts_at.astimezone(services.local_zone()).date()
    client = Client()
    client.force_login(dossier.applicant)
    book = reverse("appointments:book", args=[dossier.pk])
    pages = {
        "day picker": f"{book}?purpose={purpose}",
        "times of a day": f"{book}?purpose={purpose}&day={day.isoformat()}",
        "dossier page (card)": reverse("dossiers:detail", args=[dossier.pk]),
    }
    print(f"{total:,} dossiers; {dossier.code} at {agency.code}, purpose {purpose}, {len(slots)} slots")
    for name, url in pages.items():
        client.get(url)
        timings = []
        for _ in range(args.iterations):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{name:22} p50 {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms"
            f"  max {timings[-1]:6.1f} ms  {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
