"""allauth's emails greet with the Site's name and fall back to its domain for links sent without a request:
name the portal instead of Django's example.com."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations

SITE_NAME = "Cổng dịch vụ công"


def name_the_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": SITE_NAME})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_the_site, migrations.RunPython.noop)]
