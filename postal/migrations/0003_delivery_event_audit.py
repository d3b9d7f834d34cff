# Parcel events are audit rows: PROTECT instead of CASCADE / SET NULL, the actor's name and role kept on
# the row (filled here for existing rows), then the append-only trigger (PostgreSQL only).

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


def fill_actors(apps, schema_editor):
    DeliveryEvent = apps.get_model("postal", "DeliveryEvent")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    ids = set(DeliveryEvent.objects.exclude(actor=None).values_list("actor_id", flat=True))
    for person in User.objects.filter(pk__in=ids).only("full_name", "email", "role"):
        DeliveryEvent.objects.filter(actor_id=person.pk).update(
            actor_name=person.full_name or person.email, actor_role=person.role
        )


class Migration(migrations.Migration):

    dependencies = [
        ('postal', '0002_domain_times_on_the_portal_clock'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='deliveryevent',
            name='actor_name',
            field=models.CharField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name='deliveryevent',
            name='actor_role',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AlterField(
            model_name='deliveryevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='deliveryevent',
            name='order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='postal.deliveryorder'),
        ),
        migrations.RunPython(fill_actors, migrations.RunPython.noop),
    ]
