"""`soma audit verify` checks the hash chain of the audit trail; `soma audit list --last N` shows its end."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from soma.accounts import audit, audit_triggers


class Command(BaseCommand):
    help = "Check the audit trail's hash chain (verify) or show its last entries (list --last N)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,list,protect}")
        verify = actions.add_parser("verify", help="Recompute every hash in order; name the first broken entry.")
        verify.add_argument("--anchor", metavar="N:HASH",
                            help="Also check that entry N has this hash (one printed by an earlier verify), so "
                                 "that entries cut from the end of the trail show too.")
        listing = actions.add_parser("list", help="Show the last entries of the trail, oldest first.")
        listing.add_argument("--last", type=int, default=20, metavar="N", help="How many (default 20).")
        actions.add_parser("protect", help="Put back the database triggers that refuse changes to the trail.")

    def handle(self, *args, action, **options):
        if action == "list":
            return self._list(options["last"])
        if action == "protect":
            audit_triggers.install(connection)
            names = ", ".join(sorted(audit_triggers.present(connection))) or "no triggers on this database"
            self.stdout.write(f"The database refuses changes to the audit trail: {names}.")
            return None
        return self._verify(options.get("anchor"))

    def _list(self, n: int) -> None:
        if n < 1:
            raise CommandError("--last takes a number of entries, 1 or more.")
        for entry in audit.last(n):
            who = entry.actor_username or "-"
            where = f"assessment {entry.assessment_id}" if entry.assessment_id else "-"
            details = json.dumps(entry.details, sort_keys=True, ensure_ascii=False)
            self.stdout.write(f"{entry.sequence:>7} {audit.when(entry.at)} {entry.event:<18} {who:<20} {where:<16} "
                              f"{entry.ip or '-':<15} {details} {entry.hash[:12]}")

    def _verify(self, anchor: str | None) -> None:
        wanted = _anchor(anchor) if anchor else None
        missing = audit_triggers.missing(connection)
        if missing:
            self.stderr.write(f"Warning: the database does not refuse changes to the audit trail: triggers "
                              f"{', '.join(sorted(missing))} are missing. Run `soma audit protect` to put them back.")
        found = {}

        def entries():
            for entry in audit.AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
                if wanted and entry.sequence == wanted[0]:
                    found["hash"] = entry.hash
                yield entry

        verdict = audit.verify(entries())
        if not verdict.intact:
            at = f" (at {verdict.at})" if verdict.at else ""
            raise CommandError(f"Audit trail broken at entry {verdict.sequence}{at}: {verdict.problem}. "
                               f"The {verdict.count} entries before it are intact.", returncode=1)
        if wanted and found.get("hash") != wanted[1]:
            problem = "it is missing: the trail was cut" if "hash" not in found else "its hash differs"
            raise CommandError(f"Audit trail broken at entry {wanted[0]}: {problem} (the anchor does not match).",
                               returncode=1)
        last = verdict.last_hash if verdict.count else "-"
        self.stdout.write(f"Audit trail intact: {verdict.count} entries, last {last}")


def _anchor(text: str) -> tuple[int, str]:
    number, _, digest = text.partition(":")
    if not number.isdigit() or len(digest) != 64:
        raise CommandError("--anchor takes N:HASH, an entry's number and its 64-digit hash.")
    return int(number), digest.lower()
