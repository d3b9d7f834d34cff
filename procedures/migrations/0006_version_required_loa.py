from django.db import migrations, models

import procedures.models


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0005_form_template_types_and_size"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedureversion",
            name="required_loa",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (0, "None: a portal account is enough"),
                    (1, "VNeID level 1"),
                    (2, "VNeID level 2 (identity verified in person)"),
                ],
                default=procedures.models.default_required_loa,
                help_text=(
                    "The level of assurance of the citizen's sign-in. Filing at the desk is not affected: "
                    "the clerk checks the ID card in person."
                ),
                verbose_name="sign-in needed to file online",
            ),
        ),
    ]
