"""The national holidays and swapped working days of every year the installed chinesecalendar knows."""

from django.db import migrations


def seed(apps, schema_editor):
    from sunlit.core.calendar import seed_national

    seed_national(apps.get_model("core", "CalendarNotice"), apps.get_model("core", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
