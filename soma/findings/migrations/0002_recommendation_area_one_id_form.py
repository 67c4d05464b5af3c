"""Recommendation areas stored as the short "guide:V" become the catalog's "guide:section:V" (one id form)."""

from django.db import migrations


def canonical_areas(apps, schema_editor):
    Recommendation = apps.get_model("findings", "Recommendation")
    for rec in Recommendation.objects.filter(area__startswith="guide:").exclude(area__startswith="guide:section:"):
        code = rec.area.split(":", 1)[1]
        if code and ":" not in code and "." not in code:
            Recommendation.objects.filter(pk=rec.pk).update(area=f"guide:section:{code}")


class Migration(migrations.Migration):
    dependencies = [("findings", "0001_initial")]

    operations = [migrations.RunPython(canonical_areas, migrations.RunPython.noop)]
