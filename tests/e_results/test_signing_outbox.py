"""Signing as an outbox: the row is claimed by a lease, the slow work (stamp page, TSA) runs outside any
transaction, the outcome is saved only while the lease is still the worker's, and a beat sweeper picks up
what was left pending (broker down at commit, worker killed)."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from common import clock
from dossiers.models import StoredFile
from e_results import services, signing
from e_results.models import SignedResult
from tests.dossiers.factories_extra import approved
from tests.factories import filed_dossier

pytestmark = pytest.mark.django_db
LATER = datetime.timedelta(minutes=3)  # past the sweeper's grace


def pending_result(give_agency_a_key=None) -> SignedResult:
    """An approved dossier whose signing task could not be queued (the broker was down at commit)."""
    dossier = filed_dossier()
    if give_agency_a_key is not None:
        give_agency_a_key(dossier.receiving_agency)  # the receiving agency decides in approved()
    with mock.patch("e_results.tasks.sign_result.apply_async", side_effect=OSError("broker down")):
        approved(dossier)
    result = SignedResult.objects.get(dossier=dossier)
    assert result.status == SignedResult.Status.PENDING
    return result


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # later tests need the migrated rows
def test_the_stamp_page_and_the_timestamp_are_made_outside_any_transaction(give_agency_a_key):
    result = pending_result(give_agency_a_key)
    seen = {}
    real_sign = signing.sign_result_pdf

    def sign_and_look(*args, **kwargs):
        seen["in_transaction"] = connection.in_atomic_block
        seen["lease_until"] = SignedResult.objects.get(pk=result.pk).lease_until
        return real_sign(*args, **kwargs)

    with mock.patch.object(signing, "sign_result_pdf", sign_and_look):
        signed = services.sign_result(signed_result_id=result.pk)
    assert seen["in_transaction"] is False
    assert seen["lease_until"] is not None  # claimed while it was being signed
    assert signed.status == SignedResult.Status.SIGNED and signed.lease_until is None
    assert signed.attempts == 1


def test_a_result_another_worker_is_signing_is_left_alone(give_agency_a_key):
    result = pending_result(give_agency_a_key)
    SignedResult.objects.filter(pk=result.pk).update(lease_until=clock.now() + datetime.timedelta(minutes=1))
    with mock.patch.object(signing, "sign_result_pdf") as sign:
        answer = services.sign_result(signed_result_id=result.pk)
    sign.assert_not_called()
    assert answer.status == SignedResult.Status.PENDING and answer.attempts == 0


def test_a_lease_that_ran_out_lets_another_worker_in(give_agency_a_key):
    result = pending_result(give_agency_a_key)
    SignedResult.objects.filter(pk=result.pk).update(lease_until=clock.now() - datetime.timedelta(seconds=1))
    assert services.sign_result(signed_result_id=result.pk).status == SignedResult.Status.SIGNED


def test_an_outcome_after_the_lease_was_taken_over_is_not_recorded(give_agency_a_key):
    result = pending_result(give_agency_a_key)
    files_before = StoredFile.objects.count()
    real_sign = signing.sign_result_pdf
    other_lease = clock.now() + datetime.timedelta(hours=1)

    def slow_sign(*args, **kwargs):
        signed_pdf = real_sign(*args, **kwargs)
        # Meanwhile the lease ran out and another worker claimed the row.
        SignedResult.objects.filter(pk=result.pk).update(lease_until=other_lease)
        return signed_pdf

    storage = StoredFile.file.field.storage
    with (
        mock.patch.object(signing, "sign_result_pdf", slow_sign),
        mock.patch.object(storage, "delete", wraps=storage.delete) as delete_file,
    ):
        answer = services.sign_result(signed_result_id=result.pk)
    assert answer.status == SignedResult.Status.PENDING and answer.lease_until == other_lease
    assert answer.signed_file is None and not answer.sha256
    assert StoredFile.objects.count() == files_before  # the signed copy is not half-kept
    (written,), _ = delete_file.call_args  # nor its bytes on disk
    assert not storage.exists(written)


def test_a_failure_is_recorded_and_the_lease_released():
    result = pending_result()  # no key for the agency
    answer = services.sign_result(signed_result_id=result.pk)
    assert answer.status == SignedResult.Status.FAILED and "No signing certificate" in answer.last_error
    assert answer.lease_until is None and answer.attempts == 1


def test_an_unexpected_error_shows_the_result_as_not_signed_and_is_raised(give_agency_a_key):
    result = pending_result(give_agency_a_key)
    with (
        mock.patch.object(signing, "sign_result_pdf", side_effect=RuntimeError("a bug")),
        pytest.raises(RuntimeError),
    ):
        services.sign_result(signed_result_id=result.pk)
    result.refresh_from_db()
    assert result.status == SignedResult.Status.FAILED and result.last_error == "a bug"
    assert result.lease_until is None


def test_the_sweeper_signs_a_result_left_pending_when_the_broker_was_down(give_agency_a_key):
    result = pending_result(give_agency_a_key)
    assert services.sweep_unsigned() == 0  # the task queued at commit may still run: not yet
    assert services.sweep_unsigned(now=clock.now() + LATER) == 1  # eager here: signed inline
    result.refresh_from_db()
    assert result.status == SignedResult.Status.SIGNED
    assert services.sweep_unsigned(now=clock.now() + 2 * LATER) == 0


def test_the_sweeper_does_not_queue_the_same_row_again_within_the_grace(give_agency_a_key):
    result = pending_result(give_agency_a_key)
    with mock.patch("e_results.tasks.sign_result.apply_async") as queue:
        assert services.sweep_unsigned(now=clock.now() + LATER) == 1
        assert services.sweep_unsigned(now=clock.now() + LATER + datetime.timedelta(seconds=60)) == 0
    queue.assert_called_once_with((result.pk,), countdown=None)


def test_the_sweeper_takes_over_from_a_killed_worker_only_once_its_lease_ran_out(give_agency_a_key):
    result = pending_result(give_agency_a_key)
    claimed_at = clock.now()
    assert services._claim(result.pk, claimed_at) is not None  # the worker then dies
    with mock.patch("e_results.tasks.sign_result.apply_async") as queue:
        assert services.sweep_unsigned(now=claimed_at + LATER) == 0  # its lease still runs
        assert services.sweep_unsigned(now=claimed_at + services.SIGNING_LEASE + LATER) == 1
    queue.assert_called_once()


def test_a_result_interrupted_again_and_again_is_left_to_staff():
    result = pending_result()
    SignedResult.objects.filter(pk=result.pk).update(attempts=services.MAX_INTERRUPTED_ATTEMPTS)
    with mock.patch("e_results.tasks.sign_result.apply_async") as queue:
        assert services.sweep_unsigned(now=clock.now() + LATER) == 0
    queue.assert_not_called()
    result.refresh_from_db()
    assert result.status == SignedResult.Status.FAILED and "interrupted" in result.last_error


def test_signed_and_failed_results_are_not_swept(give_agency_a_key):
    signed = pending_result(give_agency_a_key)
    services.sign_result(signed_result_id=signed.pk)
    failed = pending_result()
    services.sign_result(signed_result_id=failed.pk)
    with mock.patch("e_results.tasks.sign_result.apply_async") as queue:
        assert services.sweep_unsigned(now=clock.now() + LATER) == 0
    queue.assert_not_called()


def test_beat_runs_the_sweeper_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["e-results-sign-sweep"]
    assert entry["task"] == "e_results.tasks.sweep_unsigned"
    assert entry["schedule"] <= 60


def test_trust_roots_and_the_sandbox_root_key_are_read_once_per_process(pki_dir):
    real_load_root = signing.sandbox_pki.load_root
    with mock.patch.object(signing.sandbox_pki, "load_root", side_effect=real_load_root) as load_root:
        contexts = [signing.validation_context() for _ in range(3)]
    assert load_root.call_count <= 1
    assert contexts[0] is not contexts[1]  # a validation context itself is never shared
    assert signing.trust_roots()[0] is signing.trust_roots()[0]


def test_a_replaced_trust_root_is_read_again(tmp_path, settings):
    from e_results import sandbox_pki

    settings.E_RESULTS_PKI_DIR = str(tmp_path)
    sandbox_pki.ensure_sandbox_pki(tmp_path, [], b"x")
    first = signing.trust_roots()[0]
    for name in (sandbox_pki.ROOT_CERT, sandbox_pki.ROOT_KEY, sandbox_pki.TSA_CERT, sandbox_pki.TSA_KEY):
        (tmp_path / name).unlink()
    sandbox_pki.ensure_sandbox_pki(tmp_path, [], b"x")
    assert signing.trust_roots()[0].dump() != first.dump()
    assert signing.revocation_lists()[0].issuer == signing.trust_roots()[0].subject
