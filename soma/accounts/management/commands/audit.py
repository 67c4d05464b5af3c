"""`soma audit verify` checks the hash chain of the audit trail, the content history against the digests the trail
holds and the content against its history; `soma audit list --last N` shows the trail's end."""

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from soma.accounts import audit, audit_triggers, history_check

SHOWN = 20  # problems listed in full; the rest are counted


class Command(BaseCommand):
    help = ("Check the audit trail's hash chain and the content history (verify) or show the trail's last entries "
            "(list --last N).")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,list,protect}")
        verify = actions.add_parser("verify", help="Recompute every hash in order and name the first broken entry; "
                                    "check every history entry against its digest and the content against its "
                                    "history, naming each difference.")
        verify.add_argument("--anchor", metavar="N:HASH",
                            help="Also check that entry N has this hash (one printed by an earlier verify), so "
                                 "that entries cut from the end of the trail show too.")
        listing = actions.add_parser("list", help="Show the last entries of the trail, oldest first.")
        listing.add_argument("--last", type=int, default=20, metavar="N", help="How many (default 20).")
        actions.add_parser("protect", help="Put back the database triggers that refuse changes to the trail and the "
                                           "content history.")

    def handle(self, *args, action, **options):
        if action == "list":
            return self._list(options["last"])
        if action == "protect":
            audit_triggers.install(connection)
            names = ", ".join(sorted(audit_triggers.present(connection))) or "no triggers on this database"
            self.stdout.write(f"The database refuses changes to the audit trail and the content history: {names}.")
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
            self.stderr.write(f"Warning: the database does not refuse changes to the audit trail or the content "
                              f"history: triggers "
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
        started = time.monotonic()
        content = history_check.check()
        took = time.monotonic() - started
        if not content.intact:
            shown = content.problems[:SHOWN]
            more = len(content.problems) - len(shown)
            lines = "\n".join(f"- {problem}" for problem in shown) + (f"\n- and {more} more" if more else "")
            counted = _count(len(content.problems), "problem")
            raise CommandError(f"Audit trail intact ({verdict.count} entries), but the content history or the content "
                               f"was tampered with ({counted}):\n{lines}", returncode=1)
        self.stdout.write(f"Audit trail intact: {verdict.count} entries, last {last}")
        self.stdout.write(f"Content history intact: {content.entries} entries match the trail; {content.records} "
                          f"records match their history ({took:.1f} s)")


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _anchor(text: str) -> tuple[int, str]:
    number, _, digest = text.partition(":")
    if not number.isdigit() or len(digest) != 64:
        raise CommandError("--anchor takes N:HASH, an entry's number and its 64-digit hash.")
    return int(number), digest.lower()
