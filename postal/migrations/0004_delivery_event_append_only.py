# PostgreSQL refuses every UPDATE and DELETE on parcel events from now on (django-pgtrigger).

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('postal', '0003_delivery_event_audit'),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name='deliveryevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='125aed16b12584b5fba796bfb8283601304f52c4', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_16b27', table='postal_deliveryevent', when='BEFORE')),
        ),
    ]
