"""Catalog extraction and loading times, each against the floor of just reading its input."""

from pathlib import Path

from bench.harness import emit, paired_figure, sample_pairs

SEEDS = Path(__file__).resolve().parents[1] / "soma" / "catalog" / "sources"  # the catalog's provenance


def run(repeat: int = 5) -> None:
    from django.db import transaction

    from soma.catalog import packs
    from soma.catalog.extract import build_packs
    from soma.catalog.models import CatalogVersion

    if (SEEDS / "assessment-guide.txt").exists():
        emit(
            paired_figure(
                "catalog_extract",
                sample_pairs(
                    lambda: build_packs(SEEDS),
                    lambda: [p.read_text(encoding="utf-8").splitlines() for p in SEEDS.glob("*.txt")],
                    repeat,
                    warmup=1,
                ),
                "reading and splitting the five source texts",
            )
        )

    class Rollback(Exception):
        pass

    def load():
        try:
            with transaction.atomic():
                CatalogVersion.objects.all().delete()
                packs.load_builtin()
                raise Rollback
        except Rollback:
            pass

    emit(
        paired_figure(
            "catalog_load",
            sample_pairs(load, packs.builtin_packs, repeat, warmup=1),
            "parsing the committed YAML content without writing it",
        )
    )
