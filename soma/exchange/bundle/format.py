"""What identifies a bundle, and the refusal of one: shared by the export and the checks of an import."""

from __future__ import annotations

FORMAT = "soma-bundle"
FORMAT_VERSION = 1


class BundleError(ValueError):
    """The bundle was refused. `errors` lists each problem as "place: what is wrong"."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:50]
        more = f"\n… and {len(errors) - len(shown)} more problems." if len(errors) > len(shown) else ""
        super().__init__(
            "The bundle was not imported; nothing was written.\n" + "\n".join(f"- {e}" for e in shown) + more
        )
