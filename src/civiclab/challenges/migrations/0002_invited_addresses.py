"""Invitation-only challenges invite e-mail addresses, not accounts.

The addresses of the accounts invited so far are copied over, then the link to accounts goes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_invited_accounts(apps, schema_editor):
    Challenge = apps.get_model("challenges", "Challenge")
    InvitedAddress = apps.get_model("challenges", "InvitedAddress")
    rows = {
        (challenge_id, email.lower())
        for challenge_id, email in Challenge.invited.through.objects.values_list(
            "challenge_id", "user__email"
        )
    }
    InvitedAddress.objects.bulk_create(
        [InvitedAddress(challenge_id=challenge_id, email=email) for challenge_id, email in rows]
    )


def copy_addresses_back(apps, schema_editor):
    Challenge = apps.get_model("challenges", "Challenge")
    InvitedAddress = apps.get_model("challenges", "InvitedAddress")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    users = {user.email.lower(): user.pk for user in User.objects.all()}
    Challenge.invited.through.objects.bulk_create(
        [
            Challenge.invited.through(challenge_id=row.challenge_id, user_id=users[row.email])
            for row in InvitedAddress.objects.all()
            if row.email in users
        ]
    )


class Migration(migrations.Migration):

    dependencies = [
        ("challenges", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="InvitedAddress",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(max_length=254, verbose_name="e-mail address")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="invited")),
                ("challenge", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="invited_addresses", to="challenges.challenge")),
            ],
            options={
                "verbose_name": "invited address",
                "verbose_name_plural": "invited addresses",
                "ordering": ["email"],
                "indexes": [models.Index(fields=["email"], name="invited_address_email")],
                "constraints": [models.UniqueConstraint(fields=("challenge", "email"), name="invited_address_unique_per_challenge")],
            },
        ),
        migrations.RunPython(copy_invited_accounts, copy_addresses_back),
        migrations.RemoveField(
            model_name="challenge",
            name="invited",
        ),
    ]
