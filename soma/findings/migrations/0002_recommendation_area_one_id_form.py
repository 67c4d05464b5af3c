"""Recommendation areas stored as the short "guide:V" become the catalog's "guide:section:V" (one id form)."""

from django.db import migrations


def canonical_areas(apps, schema_editor):
    Recommendation = apps.get_model("findings", "Recommendation")
    ScopeEntry = apps.get_model("assessments", "ScopeEntry")
    for rec in Recommendation.objects.filter(area__startswith="guide:").exclude(area__startswith="guide:section:"):
        code = rec.area.split(":", 1)[1]
        # "guide:XII" is section XII's one subsection (it has no lettered ones): a subsection id, kept.
        in_scope = ScopeEntry.objects.filter(assessment_id=rec.assessment_id, subsection=rec.area).exists()
        if code and ":" not in code and "." not in code and not in_scope:
            Recommendation.objects.filter(pk=rec.pk).update(area=f"guide:section:{code}")


class Migration(migrations.Migration):
    dependencies = [("findings", "0001_initial"), ("assessments", "0001_initial")]

    operations = [migrations.RunPython(canonical_areas, migrations.RunPython.noop)]
