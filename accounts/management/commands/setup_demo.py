import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.administrators import create_administrator
from accounts.models import Organization

DEMO_ORGANIZATION = "demo"
DEMO_ADMINISTRATOR = "admin@demo.example"


class Command(BaseCommand):
    help = (
        "Create the Enterprise demo organization and its administrator once, then print how "
        "to sign in. The generated password is kept in var/demo-admin-password for later runs."
    )

    def handle(self, *args, **options):
        password_file = settings.VAR_DIR / "demo-admin-password"
        organization = Organization.objects.filter(name=DEMO_ORGANIZATION).first()
        if organization is None:
            password = secrets.token_urlsafe(12)
            organization = Organization.create_with_builtin_groups(
                name=DEMO_ORGANIZATION, display_name="Demo Organization", plan=Organization.Plan.ENTERPRISE
            )
            create_administrator(
                organization,
                user_name=DEMO_ADMINISTRATOR,
                email=DEMO_ADMINISTRATOR,
                password=password,
                first_name="Demo",
                last_name="Administrator",
            )
            settings.VAR_DIR.mkdir(exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
            self.stdout.write(f"Created the demo organization {organization.name} ({organization.id}).")

        if password_file.exists():
            password_line = f"  Password:  {password_file.read_text().strip()}  (from {password_file})"
        else:
            password_line = "  Password:  set when the demo organization was created; var/demo-admin-password is gone"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Sign in to the demo organization:",
                    f"  URL:       {settings.PUBLIC_BASE_URL}/{organization.name}/login/",
                    f"  User name: {DEMO_ADMINISTRATOR}",
                    password_line,
                    "",
                ]
            )
        )
