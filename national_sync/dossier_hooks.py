"""What the national portal sync hangs on the dossier: every audited change of a filed dossier writes its
outbox rows (record and step) in the change's transaction. Registered in NationalSyncConfig.ready();
dossiers never imports national_sync."""

from dossiers.hooks import DossierChange, on_dossier_change

from . import services


@on_dossier_change
def sync_to_national_portal(change: DossierChange) -> None:
    services.record_change(dossier=change.dossier, event=change.event)
