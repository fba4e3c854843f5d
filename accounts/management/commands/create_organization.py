import getpass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.administrators import create_administrator
from accounts.models import Organization


class Command(BaseCommand):
    help = (
        "Create an organization with its built-in groups and its first administrator. "
        "The password comes from --password, --password-file, the ADMIN_PASSWORD_FILE "
        "environment variable, or a prompt, in that order; it is never printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="URL name: lowercase letters, digits and hyphens.")
        parser.add_argument("--display-name", help="Name shown on pages (default: the URL name).")
        parser.add_argument(
            "--plan",
            choices=Organization.Plan.values,
            default=Organization.Plan.ENTERPRISE,
            help="License plan (default: enterprise).",
        )
        parser.add_argument("--admin-username", required=True, help="User name of the first administrator.")
        parser.add_argument("--admin-email", required=True, help="Email of the first administrator.")
        parser.add_argument("--admin-first-name", default="")
        parser.add_argument("--admin-last-name", default="")
        parser.add_argument("--password", help="Administrator password (visible in the process list; prefer a file).")
        parser.add_argument("--password-file", help="File whose first line is the administrator password.")

    def handle(self, *args, **options):
        password = self.read_password(options)
        organization = Organization(
            name=options["name"],
            display_name=options["display_name"] or options["name"],
            plan=options["plan"],
        )
        try:
            organization.full_clean()
        except ValidationError as error:
            raise CommandError(self.describe(error)) from None

        try:
            with transaction.atomic():
                organization = Organization.create_with_builtin_groups(
                    name=organization.name, display_name=organization.display_name, plan=organization.plan
                )
                person = create_administrator(
                    organization,
                    user_name=options["admin_username"],
                    email=options["admin_email"],
                    password=password,
                    first_name=options["admin_first_name"],
                    last_name=options["admin_last_name"],
                )
        except ValidationError as error:
            raise CommandError(f"Invalid password: {self.describe(error)}") from None

        self.stdout.write(
            f"Created organization {organization.name} ({organization.id}) on the "
            f"{organization.get_plan_display()} plan with administrator {person.user_name}."
        )

    def read_password(self, options):
        import os

        if options["password"]:
            return options["password"]
        file_name = options["password_file"] or os.environ.get("ADMIN_PASSWORD_FILE")
        if file_name:
            try:
                lines = Path(file_name).read_text().splitlines()
            except OSError as error:
                raise CommandError(f"Cannot read password file {file_name}: {error.strerror}.") from None
            if not lines or not lines[0]:
                raise CommandError(f"Password file {file_name} is empty.")
            return lines[0]
        if not options.get("interactive", True) or not os.isatty(0):
            raise CommandError("No password given: use --password, --password-file or ADMIN_PASSWORD_FILE.")
        password = getpass.getpass("Administrator password: ")
        if password != getpass.getpass("Administrator password (again): "):
            raise CommandError("The passwords do not match.")
        return password

    @staticmethod
    def describe(error):
        if hasattr(error, "message_dict"):
            return " ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        return " ".join(error.messages)
