"""API tokens get a scope and an expiry.

Tokens made before this had every right of their owner and no end: they keep read and write
and expire 90 days after this migration runs, so scripts keep working until their owners
replace them with tokens of the scope and lifetime they need.
"""

from datetime import timedelta

from django.db import migrations, models

import civiclab.accounts.models
from django.utils import timezone

EXISTING_TOKENS_LIVE_FOR = timedelta(days=90)


def give_existing_tokens_scope_and_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        scope="read_write", expires_at=timezone.now() + EXISTING_TOKENS_LIVE_FOR
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("read_write", "Read and write")],
                default="read",
                max_length=12,
                verbose_name="scope",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(give_existing_tokens_scope_and_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                db_index=True,
                default=civiclab.accounts.models.token_expiry_default,
                verbose_name="expires",
            ),
        ),
    ]
