from django.db import migrations

COFOG_DIVISIONS = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]


def seed_sectors(apps, schema_editor):
    Sector = apps.get_model("organisations", "Sector")
    for code in COFOG_DIVISIONS:
        Sector.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(seed_sectors, migrations.RunPython.noop)]
