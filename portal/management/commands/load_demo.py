"""`manage.py load_demo [--procedures N]`: a demo province, its catalogue, one account per role and
dossiers in every state.

Idempotent: units, agencies and fields are keyed on their codes, accounts on their emails; a procedure that
already has a version is left alone; dossiers are made only while the demo citizen has none. Catalogue
entries (portal/demo/data/) go through the admin's own catalogue import, then the review and publish
services, dossiers through the dossier services; only the synthetic load-test entries (`--procedures N`)
are bulk-inserted.
"""

import datetime
import time

import tablib
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from import_export.formats.base_formats import CSV

from accounts.models import AgencyMembership, CitizenProfile, Role, User
from accounts.services import confirm_phone_by_administrator, save_citizen_profile, set_role
from common import clock
from feedback.demo import load_feedback
from identity_sandbox.services import setup_sandbox
from integrations.demo import ensure_demo_client as ensure_demo_api_client
from portal.demo import accounts as demo_accounts
from portal.demo import catalogue, synthetic
from portal.demo import forms as demo_forms
from portal.demo.dossiers import load_dossiers
from procedures import services
from procedures.models import (
    AdministrativeUnit,
    Agency,
    DocumentKind,
    Field,
    GovernmentLevel,
    Procedure,
    ProcedureFee,
    ProcedureVersion,
    RequiredDocument,
    VersionStatus,
)
from procedures.resources import COLUMNS, ProcedureVersionResource, row_error_lines

# The version's own columns of the catalogue file (not its code, field, agencies, fees or documents).
VERSION_FIELDS = [
    column
    for column in COLUMNS
    if column not in {"national_code", "field", "agencies", "fees", "documents", "change_note"}
]
OPTIONAL_TEXT = {"partial_reason", "partial_reason_note", "processing_time_note", "applicant_requirements"}


class Command(BaseCommand):
    help = "Load the demo province, agencies, catalogue, accounts and dossiers (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--procedures",
            type=int,
            default=0,
            metavar="N",
            help="Also make sure synthetic entries 1..N (codes 2.900001…) exist, for load testing.",
        )

    def handle(self, *args, procedures=0, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The demo accounts have a public password: load_demo never runs in production."
            )
        if not 0 <= procedures <= synthetic.MAX_COUNT:
            raise CommandError(f"--procedures must be between 0 and {synthetic.MAX_COUNT}.")
        started = time.monotonic()
        units = load_units()
        agencies = load_agencies(units)
        call_command("setup_sandbox_pki", stdout=self.stdout)  # e-results signing keys, before dossiers
        fields = load_fields()
        users = load_accounts(units, agencies)
        admin = users[demo_accounts.CATALOGUE_ADMIN_EMAIL][0]
        reviewer = users[demo_accounts.CATALOGUE_REVIEWER_EMAIL][0]
        created, skipped = load_procedures(admin=admin, reviewer=reviewer)
        name_document_kinds()
        generated = load_synthetic(
            procedures, admin=admin, reviewer=reviewer, agencies=agencies, fields=fields
        )
        words = services.refresh_search_vocabulary()
        dossiers = load_dossiers()
        load_feedback()  # feedback (PAKN) answers and a satisfaction rating: feedback/demo.py
        # The scorecard reads daily figures that beat keeps; the demo builds them once, so it shows at once.
        call_command("rebuild_scorecard", stdout=self.stdout)
        elapsed = time.monotonic() - started

        published = ProcedureVersion.objects.published().count()
        self.stdout.write(
            f"Units: {len(units)}, agencies: {len(agencies)}, fields: {len(fields)}.\n"
            f"Demo procedures: {created} created, {skipped} already present. "
            f"Synthetic procedures: {generated} created.\n"
            f"Published catalogue entries: {published}; search vocabulary: {words} words.\n"
            f"Demo dossiers: {'already present' if dossiers is None else f'{dossiers} created'}.\n"
            f"Done in {elapsed:.1f} s.\n"
        )
        self.stdout.write(self.style.SUCCESS(account_table(users)))
        api_client, api_key = ensure_demo_api_client()
        self.stdout.write(f"Dossier API (/api/v1/): client {api_client.name}, header X-API-Key: {api_key}")
        if settings.IDENTITY_SANDBOX:
            persons = setup_sandbox()
            self.stdout.write(
                "Sign in with VNeID (sandbox identity provider, no password): "
                + "; ".join(person.label for person in persons)
            )


# --- Units, agencies, fields ------------------------------------------------------------------------------


def load_units() -> dict[str, AdministrativeUnit]:
    """The province, its communes and the units the 2025 reform abolished (mapped to their successors)."""
    units = {}
    for row in catalogue.UNITS:
        units[row["code"]], _ = AdministrativeUnit.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": GovernmentLevel(row["level"]),
                "parent": units[row["parent"]] if "parent" in row else None,
                "is_legacy": row.get("is_legacy", False),
                "successor": units[row["successor"]] if "successor" in row else None,
            },
        )
    return units


def load_agencies(units: dict[str, AdministrativeUnit]) -> dict[str, Agency]:
    agencies = {}
    for row in catalogue.AGENCIES:
        agencies[row["code"]], _ = Agency.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "parent": agencies[row["parent"]] if "parent" in row else None,
                "administrative_unit": units[row["unit"]],
                "is_legacy": row.get("is_legacy", False),
                "successor": agencies[row["successor"]] if "successor" in row else None,
                "address": row["address"],
                "phone": row["phone"],
                "email": row.get("email", ""),
                "opening_hours": row["opening_hours"],
            },
        )
    return agencies


def load_fields() -> dict[str, Field]:
    fields = {}
    for position, row in enumerate(catalogue.FIELDS, start=1):
        fields[row["code"]], _ = Field.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "position": position * 10}
        )
    return fields


# --- Accounts ---------------------------------------------------------------------------------------------


def load_accounts(
    units: dict[str, AdministrativeUnit], agencies: dict[str, Agency]
) -> dict[str, tuple[User, bool]]:
    """One account per role; staff get their fixed TOTP secret. Returns {email: (user, created)}."""
    users = {}
    for row in demo_accounts.ACCOUNTS:
        email = row["email"]
        with transaction.atomic():
            user = User.objects.filter(email=email).first()
            created = user is None
            if created:
                user = User.objects.create_user(
                    email=email, password=demo_accounts.DEMO_PASSWORD, full_name=row["full_name"]
                )
            if row.get("is_superuser") and not user.is_superuser:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            if row["role"] != Role.CITIZEN:
                set_role(user=user, role=row["role"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            secret = demo_accounts.TOTP_SECRETS.get(email)
            if secret and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, secret)
            for membership in row.get("memberships", []):
                AgencyMembership.objects.update_or_create(
                    user=user,
                    agency=agencies[membership["agency"]],
                    defaults={"is_supervisor": membership["is_supervisor"]},
                )
            profile = row.get("profile")
            if profile and not CitizenProfile.objects.filter(user=user).exists():
                save_citizen_profile(
                    user=user,
                    **{
                        **profile,
                        "date_of_birth": datetime.date.fromisoformat(profile["date_of_birth"]),
                        "province": units[profile["province"]],
                        "commune": units[profile["commune"]],
                    },
                )
            if profile:  # the demo citizens' phones count as verified: their SMS notices go out
                confirm_phone_by_administrator(user=user, phone=profile["phone"])
        users[email] = (user, created)
    return users


def account_table(users: dict[str, tuple[User, bool]]) -> str:
    header = ("Email", "Role", "Password", "TOTP secret (staff)", "Account", "Works for")
    rows = [header]
    for email, (user, created) in users.items():
        agencies = ", ".join(m.agency.name for m in user.memberships.select_related("agency").order_by("pk"))
        rows.append(
            (
                email,
                user.role + (" + superuser" if user.is_superuser else ""),
                demo_accounts.DEMO_PASSWORD,
                demo_accounts.TOTP_SECRETS.get(email, "—"),
                "created" if created else "existing (password not reset)",
                agencies or "—",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["Demo accounts:"]
    for number, row in enumerate(rows):
        lines.append(
            ("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))).rstrip()
        )
        if number == 0:
            lines.append("  " + "  ".join("-" * width for width in widths))
    lines.append(
        "Staff sign in with a TOTP code: add the secret to an authenticator app as a time-based key "
        "(6 digits, 30 seconds)."
    )
    return "\n".join(lines)


# --- Catalogue --------------------------------------------------------------------------------------------


def name_document_kinds() -> int:
    """The demo catalogue's common slots (Căn cước công dân, Giấy khai sinh…) name their document kind, so
    a paper in a citizen's data store is offered for them (issue 16); a slot whose name fits no kind, or
    more than one, stays without. Returns how many slots were named."""
    from dossiers.document_kinds import kind_for_name

    kinds = list(DocumentKind.objects.all())
    slots = RequiredDocument.objects.filter(kind__isnull=True).exclude(
        version__procedure__national_code__startswith=synthetic.CODE_PREFIX
    )
    named = []
    for slot in slots:
        slot.kind = kind_for_name(slot.name, kinds)
        if slot.kind is not None:
            named.append(slot)
    RequiredDocument.objects.bulk_update(named, ["kind"])
    return len(named)


def load_procedures(*, admin: User, reviewer: User) -> tuple[int, int]:
    """Import the hand-written entries through the catalogue's own import (the admin's CSV import) as
    drafts of the demo admin, who submits each for review; a second person, the demo reviewer, publishes
    them (four eyes). The listed second versions follow the same way. A procedure that already has a
    version is left alone. Returns (created, skipped)."""
    codes = [row["national_code"] for row in catalogue.procedure_rows()]
    present = set(
        Procedure.objects.filter(versions__isnull=False, national_code__in=codes).values_list(
            "national_code", flat=True
        )
    )
    new = {code for code in codes if code not in present}
    with transaction.atomic():
        import_and_publish(catalogue.PROCEDURES_FILE, codes=new, admin=admin, reviewer=reviewer)
        import_and_publish(catalogue.REVISIONS_FILE, codes=new, admin=admin, reviewer=reviewer)
    return len(new), len(present)


def import_and_publish(path, *, codes: set[str], admin: User, reviewer: User) -> None:
    """Import the rows of a catalogue file whose national code is in `codes`, all or nothing, then submit
    each new draft as the admin and publish it as the reviewer, as two catalogue admins would."""
    dataset = CSV(encoding="utf-8-sig").create_dataset(path.read_bytes())
    code_column = dataset.headers.index("national_code")
    dataset = tablib.Dataset(*(row for row in dataset if row[code_column] in codes), headers=dataset.headers)
    if not dataset.height:
        return
    result = ProcedureVersionResource().import_data(
        dataset, use_transactions=True, rollback_on_validation_errors=True, user=admin
    )
    problems = row_error_lines(result)
    if problems:
        raise CommandError(f"{path.name} cannot be imported:\n" + "\n".join(str(line) for line in problems))
    for row in result.rows:
        draft = ProcedureVersion.objects.get(pk=row.object_id)
        attach_demo_forms(draft, by=admin)
        services.submit_for_review(version=draft, by=admin)
        services.publish(version=draft, by=reviewer)


def attach_demo_forms(draft: ProcedureVersion, *, by: User) -> None:
    """The blank form of each paper declaration ("Tờ khai … theo mẫu") of a demo draft: a small PDF with
    the form's legal name and its blanks (portal/demo/forms.py), attached through the catalogue service."""
    for document in draft.documents.all():
        if demo_forms.is_paper_declaration(document.name):
            form = ContentFile(demo_forms.form_pdf(document.name), name=demo_forms.file_name(document.name))
            services.attach_form_template(document=document, form=form, by=by)


# --- Synthetic load-test entries --------------------------------------------------------------------------


def version_values(entry: dict) -> dict:
    return {name: entry.get(name, "") if name in OPTIONAL_TEXT else entry[name] for name in VERSION_FIELDS}


def fee_rows(version: ProcedureVersion, fees: list[dict]) -> list[ProcedureFee]:
    return [ProcedureFee(version=version, position=n, **row) for n, row in enumerate(fees)]


def document_rows(version: ProcedureVersion, documents: list[dict]) -> list[RequiredDocument]:
    return [RequiredDocument(version=version, position=n, **row) for n, row in enumerate(documents)]


def load_synthetic(
    count: int, *, admin: User, reviewer: User, agencies: dict[str, Agency], fields: dict[str, Field]
) -> int:
    """Bulk-insert `count` synthetic published entries, skipping codes made by an earlier run. The entries
    skip the review workflow on purpose: they exist to load-test search and listing."""
    if not count:
        return 0
    existing = set(
        Procedure.objects.filter(national_code__startswith=synthetic.CODE_PREFIX).values_list(
            "national_code", flat=True
        )
    )
    entries = [synthetic.entry(i) for i in range(1, count + 1) if synthetic.code(i) not in existing]
    if not entries:
        return 0
    now = clock.now()
    through = ProcedureVersion.agencies.through
    with transaction.atomic():
        procedures = Procedure.objects.bulk_create(
            [Procedure(national_code=entry["code"]) for entry in entries], batch_size=500
        )
        versions = []
        for procedure, entry in zip(procedures, entries, strict=True):
            version = ProcedureVersion(
                procedure=procedure,
                field=fields[entry["field"]],
                created_by=admin,
                submitted_by=admin,
                reviewed_by=reviewer,
                submitted_at=now,
                published_at=now,
                **version_values(entry),
            )
            # The status column is protected against assignment; set it the way a data migration would.
            version.__dict__["status"] = VersionStatus.PUBLISHED
            version.search_text = version.build_search_text()
            versions.append(version)
        ProcedureVersion.objects.bulk_create(versions, batch_size=500)
        fees, documents, links = [], [], []
        for version, entry in zip(versions, entries, strict=True):
            fees += fee_rows(version, entry["fees"])
            documents += document_rows(version, entry["documents"])
            links += [
                through(procedureversion_id=version.pk, agency_id=agencies[code].pk)
                for code in entry["agencies"]
            ]
        ProcedureFee.objects.bulk_create(fees, batch_size=1000)
        RequiredDocument.objects.bulk_create(documents, batch_size=1000)
        through.objects.bulk_create(links, batch_size=1000)
    return len(entries)
