"""The triggers that make the log tables append-only (see sunlit.record.triggers)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from sunlit.record import triggers

    triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from sunlit.record import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [("record", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
