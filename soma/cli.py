"""The `soma` command: a thin front to Django's management commands, with SOMA's own listed first."""

import os
import sys

from soma import __version__

# SOMA's subcommands, in the order `soma --help` lists them. Each is a Django management command, so
# `soma NAME ...` is the same as `django-admin NAME ...`; its one-line help comes from the command itself.
COMMANDS = (
    "setup",
    "serve",
    "migrate",
    "createadmin",
    "check",
    "catalog",
    "search",
    "assessments",
    "demo",
    "report",
    "export",
    "import",
    "xlsform",
    "worker",
    "backup",
    "restore",
    "audit",
)


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soma.settings")
    import django

    django.setup()


def _help_lines() -> list[str]:
    from django.core.management import get_commands, load_command_class

    available = get_commands()
    lines = []
    for name in COMMANDS:
        if name not in available:
            continue
        command = load_command_class(available[name], name)
        summary = (command.help or "").strip().splitlines()[0] if command.help else ""
        lines.append(f"  {name:<12} {summary}")
    lines.append(f"  {'manage':<12} Run any other Django management command (soma manage help lists them).")
    return lines


def print_help() -> None:
    _django_setup()
    print(f"usage: soma COMMAND [options]\n\nSOMA {__version__}: smuggling of migrants assessment workbench.\n")
    print("commands:")
    print("\n".join(_help_lines()))
    print("\noptions:\n  --help       Show this list.\n  --version    Show SOMA's version.")
    print("\nRun `soma COMMAND --help` for the options of one command.")


def main(argv: list[str] | None = None) -> int:
    from soma.core.file_modes import use_private_umask

    use_private_umask()  # the database, uploads and everything else SOMA writes: for its own user only
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print_help()
        return 0
    if argv[0] in {"-V", "--version", "version"}:
        print(f"soma {__version__}")
        return 0
    name, rest = argv[0], argv[1:]
    if name != "manage" and name not in COMMANDS:
        print(f"soma: unknown command '{name}'. Run `soma --help` to see the commands.", file=sys.stderr)
        return 2
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["soma", *rest] if name == "manage" else ["soma", name, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
