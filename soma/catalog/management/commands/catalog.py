import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from soma.catalog import exporter, packs


class Command(BaseCommand):
    help = "The catalog: extract it from the sources, load it, add a content pack, export it, show its status."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        extract = sub.add_parser("extract", help="Parse the source documents and write soma/catalog/content/.")
        extract.add_argument(
            "--sources",
            help="Folder with the five UNODC source texts (default: the project's own copy, soma/catalog/sources/).",
        )
        extract.add_argument("--out", default=str(packs.CONTENT_DIR), help="Where to write (default: the package).")
        load = sub.add_parser("load", help="Load the built-in content as a catalog version.")
        load.add_argument("--if-needed", action="store_true", help="Say nothing when it is already loaded.")
        add = sub.add_parser("add-pack", help="Validate a content pack (YAML or JSON) and add it to the catalog.")
        add.add_argument("path")
        add.add_argument("--check", action="store_true", help="Only validate; write nothing.")
        export = sub.add_parser("export", help="Print the whole catalog.")
        export.add_argument("--format", choices=["json"], default="json")
        export.add_argument("--version", dest="catalog_version", help="A catalog version (default: the current one).")
        sub.add_parser("status", help="The loaded catalog versions and their packs.")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action.replace('-', '_')}")(**options)

    def do_extract(self, sources, out, **options):
        from soma.catalog.extract import SOURCES_DIR, ExtractionError, run_extraction

        try:
            summary = run_extraction(Path(sources) if sources else SOURCES_DIR, Path(out))
        except ExtractionError as error:
            raise CommandError(f"{error}\nNothing was written.") from None
        for name, count in summary["items"].items():
            self.stdout.write(f"{name:<14} {count:>6} items")
        self.stdout.write(f"{'links':<14} {summary['links']:>6}")
        for note in summary["notes"]:
            self.stdout.write(f"note: {note}")
        self.stdout.write(self.style.SUCCESS(f"Catalog content written to {out}."))

    def do_load(self, if_needed, **options):
        try:
            version, created = packs.load_builtin()
        except packs.PackError as error:
            raise CommandError(str(error)) from None
        if created:
            self.stdout.write(self.style.SUCCESS(f"Catalog {version} loaded ({version.items.count()} items)."))
        elif not if_needed:
            self.stdout.write(f"Catalog {version} is already loaded.")

    def do_add_pack(self, path, check, **options):
        try:
            data = packs.read_pack_file(Path(path))
            problems = packs.validate_pack(data)
            if problems:
                raise packs.PackError(f"{path} does not follow the pack schema:\n  " + "\n  ".join(problems))
            if check:
                self.stdout.write(self.style.SUCCESS(f"{path} is a valid pack."))
                return
            pack = packs.add_pack(data)
        except packs.PackError as error:
            raise CommandError(f"{error}\nNothing was written.") from None
        self.stdout.write(self.style.SUCCESS(f"Pack '{pack.pack_id}' added to catalog {pack.catalog}."))

    def do_export(self, catalog_version, **options):
        try:
            data = exporter.export(catalog_version)
        except exporter.NoCatalog as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))

    def do_status(self, **options):
        from soma.catalog.models import CatalogVersion

        versions = CatalogVersion.objects.prefetch_related("packs")
        if not versions:
            self.stdout.write("No catalog loaded. Run `soma catalog load`.")
        for version in versions:
            mark = " (current)" if version.is_current else ""
            self.stdout.write(
                f"{version.version}{mark}: {version.items.count()} items, loaded {version.loaded_at:%Y-%m-%d}"
            )
            for pack in version.packs.all():
                language = f" [{pack.language}]" if pack.language else ""
                self.stdout.write(f"  {pack.pack_id:<16} {pack.kind}{language}  {pack.title}")
