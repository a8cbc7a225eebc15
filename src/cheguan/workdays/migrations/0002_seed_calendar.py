from django.db import migrations


def seed(apps, schema_editor):
    from cheguan.workdays.services import calendar_rows, read_holidays

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    rows = calendar_rows(read_holidays())
    CalendarDay.objects.bulk_create([CalendarDay(**r) for r in rows], batch_size=2000)


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
