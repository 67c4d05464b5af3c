from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from soma.accounts.services import reset_two_factor


class Command(BaseCommand):
    help = "Remove a user's authenticator app (lost phone): they sign in with their password, then set up a new one."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named '{username}'. Check the spelling (user names are case-sensitive).")
        removed = reset_two_factor(None, user)  # audited like a reset on the users page
        if removed:
            self.stdout.write(self.style.SUCCESS(f"Removed the authenticator app of '{username}'."))
        else:
            self.stdout.write(f"'{username}' has no authenticator app; nothing removed.")
