"""Catalog extraction and loading times, each against the floor of just reading its input."""

from pathlib import Path

from bench.harness import emit, figure, sample

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def run(repeat: int = 5) -> None:
    from django.db import transaction

    from soma.catalog import packs
    from soma.catalog.extract import build_packs
    from soma.catalog.models import CatalogVersion

    if (SEEDS / "assessment-guide.txt").exists():
        emit(
            figure(
                "catalog_extract",
                sample(lambda: build_packs(SEEDS), repeat, warmup=1),
                sample(lambda: [p.read_text(encoding="utf-8").splitlines() for p in SEEDS.glob("*.txt")], repeat, 1),
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
        figure(
            "catalog_load",
            sample(load, repeat, warmup=1),
            sample(packs.builtin_packs, repeat, warmup=1),
            "parsing the committed YAML content without writing it",
        )
    )
