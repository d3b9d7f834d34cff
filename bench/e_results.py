"""E-result signing and verification times (run on demand, not a test).

    .venv/bin/python bench/e_results.py [--results 20] [--smoke]

Creates a sandbox PKI in a temporary folder, then signs a one-page result PDF as PAdES B-LT (stamped page,
sandbox timestamp in-process, embedded CRL) — the first signing of the process is "cold" (imports,
WeasyPrint's fonts) — and verifies each signed file with pyHanko's validator against the sandbox root.
No database is used.
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

AGENCY_CODE = "000.00.99.H99"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="two results: checks the bench still runs")
    args = parser.parse_args()
    count = 2 if args.smoke else args.results

    import django

    django.setup()
    from django.conf import settings

    from e_results import sandbox_pki, signing
    from e_results.verification import Verdict, verify_pdf
    from tests.factories import PDF_BYTES

    with tempfile.TemporaryDirectory() as directory:
        settings.E_RESULTS_PKI_DIR = directory
        settings.E_RESULTS_PKCS12_DIR = ""
        settings.E_RESULTS_PKCS12_PASSPHRASES = {"*": "bench"}
        settings.E_RESULTS_TSA_URL = ""
        settings.E_RESULTS_TRUST_ROOTS = []
        started = time.perf_counter()
        sandbox_pki.ensure_sandbox_pki(Path(directory), [(AGENCY_CODE, "Sở Thử Nghiệm")], b"bench")
        pki_seconds = time.perf_counter() - started

        signing_times, verifying_times = [], []
        for number in range(1, count + 1):
            stamp = signing.ResultStamp(
                system_name=settings.E_RESULTS_SYSTEM_NAME,
                dossier_code=f"{AGENCY_CODE}-261205-{number:04d}",
                result_number=f"{AGENCY_CODE}-261205-{number:04d}/KQ1",
                agency_name="Sở Thử Nghiệm",
                verification_url=f"{settings.SITE_URL}/xac-thuc/?code=bench{number}",
            )
            started = time.perf_counter()
            signed = signing.sign_result_pdf(
                PDF_BYTES,
                stamp=stamp,
                signer=signing.signing_identity(AGENCY_CODE),
                timestamper=signing.timestamper(),
                validation_context=signing.validation_context(for_signing=True),
            )
            signing_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            verdict = verify_pdf(signed).verdict
            verifying_times.append(time.perf_counter() - started)
            if verdict != Verdict.VALID:
                raise SystemExit(f"result {number} verified as {verdict}")

    warm = signing_times[1:] or signing_times
    print(f"sandbox PKI (root, TSA, 1 agency): {pki_seconds * 1000:.0f} ms")
    print(f"signing, cold (first of the process): {signing_times[0] * 1000:.0f} ms")
    print(f"signing, warm: mean {statistics.mean(warm) * 1000:.0f} ms, max {max(warm) * 1000:.0f} ms")
    print(
        f"verification: first {verifying_times[0] * 1000:.0f} ms, "
        f"mean {statistics.mean(verifying_times) * 1000:.0f} ms over {count}"
    )
    print(f"signed result size: {len(signed) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
