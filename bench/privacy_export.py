"""The "my data" export (privacy/export.py) of a citizen with 50 filed dossiers (run on demand, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_privacy \\
        .venv/bin/python bench/privacy_export.py
    .venv/bin/python bench/privacy_export.py --smoke        # 3 dossiers, 1 round: what bench_smoke.sh runs

Migrates (and loads the demo when the database has no published procedure), makes a fresh citizen who files
--dossiers dossiers through the dossier services (each with its required documents as PDF files of the
data store, so each filing writes its events and notices), then builds the archive --rounds times through
the download page (Django's test client: the service, the ZIP in a temporary file, the streamed response)
and prints the median and max seconds, the archive's size, its files and the queries per export.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-privacy-media-"))
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")

from bench.support import ensure_database

PROCEDURE = "1.001193"  # Đăng ký khai sinh (demo catalogue)


def _citizen():
    from accounts.models import CitizenProfile, User

    stamp = time.strftime("%Y%m%d%H%M%S")
    user = User.objects.create_user(
        email=f"privacy-bench-{stamp}@example.vn", password="bench-pass-2026", full_name="Nguyễn Văn Đo Đạc"
    )
    CitizenProfile.objects.create(
        user=user, full_name=user.full_name, personal_id=f"0{stamp[-11:]}", phone="0912345678"
    )
    return user


def _file(version, citizen, count: int) -> None:
    """`count` dossiers filed by `citizen`, each with its required documents uploaded anew."""
    from dossiers import services
    from portal.demo.dossiers import pdf_upload

    required = list(version.documents.order_by("position"))
    for number in range(count):
        draft = services.start_draft(
            version=version, applicant=citizen, form_data={"purpose": f"Đề nghị số {number + 1}"}
        )
        for document in required:
            services.attach_upload(
                dossier=draft,
                required_document=document,
                uploaded=pdf_upload(document.name, citizen.full_name),
                by=citizen,
            )
        services.submit(dossier=draft, by=citizen)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="3 dossiers, 1 round: checks the bench runs")
    args = parser.parse_args()
    if args.smoke:
        args.dossiers, args.rounds = 3, 1

    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from procedures.models import ProcedureVersion

    call_command("migrate", verbosity=0)
    if not ProcedureVersion.objects.published().exists():
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (the command writes and exits)
    settings.ALLOWED_HOSTS = ["*"]
    settings.PRIVACY_EXPORTS_PER_HOUR = args.rounds + 1
    version = ProcedureVersion.objects.published().filter(procedure__national_code=PROCEDURE).first()
    version = version or ProcedureVersion.objects.published().first()
    citizen = _citizen()
    started = time.perf_counter()
    _file(version, citizen, args.dossiers)
    print(
        f"{connection.vendor}: {args.dossiers} dossiers of {version.procedure.national_code} filed "
        f"({version.documents.count()} documents each) in {time.perf_counter() - started:.1f} s"
    )

    client = Client()
    client.force_login(citizen)
    url = reverse("privacy:download")
    timings, queries, size = [], 0, 0
    for _round in range(args.rounds):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.post(url)
            body = b"".join(response.streaming_content)
            timings.append(time.perf_counter() - began)
        response.close()
        if response.status_code != 200:
            raise SystemExit(f"The download answered {response.status_code}")
        queries, size = len(captured), len(body)
    from privacy.models import DataExport

    last = DataExport.objects.filter(user=citizen).first()
    print(
        f"export of {args.dossiers} dossiers: median {statistics.median(timings):.2f} s, "
        f"max {max(timings):.2f} s over {args.rounds} round(s); {size / 1024:.0f} KiB, "
        f"{last.file_count} files, {queries} queries"
    )


if __name__ == "__main__":
    main()
