# PostgreSQL refuses every UPDATE and DELETE on dossier events from now on (django-pgtrigger; skipped on
# SQLite, where common.audit.AppendOnlyModel guards the ORM).

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0007_dossier_event_chain'),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name='dossierevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='1d85eff7b4b785eb9ec592f4886b987c1f3c9741', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_e395c', table='dossiers_dossierevent', when='BEFORE')),
        ),
    ]
