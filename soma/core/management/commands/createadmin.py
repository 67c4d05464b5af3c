import getpass
import secrets
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create an administrator account (asks for a password on a terminal, else generates one)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Account name (default: admin).")
        parser.add_argument("--email", default="", help="E-mail address (optional).")
        parser.add_argument(
            "--generate-password",
            action="store_true",
            help="Generate a password and show it once, even on a terminal.",
        )
        parser.add_argument(
            "--if-none",
            action="store_true",
            help="Do nothing when an administrator already exists (used by `soma setup`).",
        )

    def handle(self, *args, username, email, generate_password, if_none, **options):
        User = get_user_model()
        if if_none and User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An administrator already exists; none created.")
            return
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named '{username}' already exists. Choose another --username.")
        interactive = sys.stdin.isatty() and not generate_password
        password = self._ask_password(username) if interactive else secrets.token_urlsafe(15)
        User.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(self.style.SUCCESS(f"Administrator '{username}' created."))
        if not interactive:
            self.stdout.write(f"Password (shown once, keep it safe): {password}")

    def _ask_password(self, username: str) -> str:
        probe = get_user_model()(username=username)
        while True:
            password = getpass.getpass(f"Password for '{username}': ")
            if password != getpass.getpass("Password again: "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                validate_password(password, probe)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages) + " Try again.")
                continue
            return password
