# The audit trail keeps its people and its order: PROTECT instead of CASCADE / SET NULL on the event's
# keys, the actor's name kept on the row, and each event chained to the previous one of its dossier by a
# SHA-256 hash (dossiers/audit.py). Existing rows get their names and hashes here; the append-only trigger
# comes in the next migration, once they are written.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from dossiers import audit

BATCH = 1000


def fill_names_and_chain(apps, schema_editor):
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    names = {}
    previous = {"dossier": None, "hash": ""}
    batch = []
    for event in DossierEvent.objects.order_by("dossier_id", "pk").iterator(chunk_size=BATCH):
        if event.actor_id is not None and not event.actor_name:
            if event.actor_id not in names:
                person = User.objects.filter(pk=event.actor_id).values("full_name", "email").first() or {}
                names[event.actor_id] = person.get("full_name") or person.get("email") or ""
            event.actor_name = names[event.actor_id]
        if previous["dossier"] != event.dossier_id:
            previous = {"dossier": event.dossier_id, "hash": ""}
        event.chain_hash = audit.link(event, previous["hash"])
        previous["hash"] = event.chain_hash
        batch.append(event)
        if len(batch) >= BATCH:
            DossierEvent.objects.bulk_update(batch, ["actor_name", "chain_hash"])
            batch = []
    if batch:
        DossierEvent.objects.bulk_update(batch, ["actor_name", "chain_hash"])


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0006_domain_times_on_the_portal_clock'),
        ('procedures', '0003_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='dossierevent',
            name='actor_name',
            field=models.CharField(blank=True, max_length=254, verbose_name='acted by'),
        ),
        migrations.AddField(
            model_name='dossierevent',
            name='chain_hash',
            field=models.CharField(default='', editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='dossierevent',
            name='actor',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='dossierevent',
            name='agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='procedures.agency'),
        ),
        migrations.AlterField(
            model_name='dossierevent',
            name='dossier',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='dossiers.dossier'),
        ),
        migrations.AlterField(
            model_name='dossierevent',
            name='from_agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='procedures.agency'),
        ),
        migrations.AlterField(
            model_name='dossierevent',
            name='to_agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='procedures.agency'),
        ),
        migrations.RunPython(fill_names_and_chain, migrations.RunPython.noop),
    ]
