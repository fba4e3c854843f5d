import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Group, Organization, Person


@pytest.mark.django_db
def test_create_organization_with_administrator(tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text("a-long-enough-password-42\n")
    output = io.StringIO()

    call_command(
        "create_organization",
        "acme",
        "--display-name=Acme Corp",
        "--plan=enterprise_trial",
        "--admin-username=root@acme.example",
        "--admin-email=root@acme.example",
        f"--password-file={password_file}",
        stdout=output,
    )

    organization = Organization.objects.get(name="acme")
    administrator = Person.objects.get(organization=organization)
    assert organization.display_name == "Acme Corp"
    assert organization.plan == Organization.Plan.ENTERPRISE_TRIAL
    assert administrator.is_administrator()
    assert administrator.user.check_password("a-long-enough-password-42")
    assert Group.objects.filter(organization=organization).count() == 2
    assert "a-long-enough-password-42" not in output.getvalue()


@pytest.mark.django_db
def test_create_organization_password_from_environment_file(tmp_path, monkeypatch):
    password_file = tmp_path / "password"
    password_file.write_text("environment-password-77\n")
    monkeypatch.setenv("ADMIN_PASSWORD_FILE", str(password_file))

    call_command(
        "create_organization", "envco", "--admin-username=a@envco.example", "--admin-email=a@envco.example",
        stdout=io.StringIO(),
    )

    assert Person.objects.get(organization__name="envco").user.check_password("environment-password-77")


@pytest.mark.django_db
def test_create_organization_rejects_invalid_name():
    with pytest.raises(CommandError, match="name: Use 1 to 63 lowercase letters"):
        call_command(
            "create_organization", "Bad_Name", "--admin-username=a@x.example", "--admin-email=a@x.example",
            "--password=a-long-enough-password-42",
        )

    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_create_organization_rejects_weak_password_and_saves_nothing():
    with pytest.raises(CommandError, match="Invalid password"):
        call_command(
            "create_organization", "weakco", "--admin-username=a@weak.example", "--admin-email=a@weak.example",
            "--password=123",
        )

    assert not Organization.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_create_organization_rejects_taken_name(organization):
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "create_organization", organization.name, "--admin-username=a@x.example", "--admin-email=a@x.example",
            "--password=a-long-enough-password-42",
        )


@pytest.mark.django_db
def test_create_organization_without_password_source_fails():
    with pytest.raises(CommandError, match="No password given"):
        call_command("create_organization", "nopass", "--admin-username=a@x.example", "--admin-email=a@x.example")


@pytest.mark.django_db
def test_setup_demo_creates_once_and_prints_sign_in(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first, second = io.StringIO(), io.StringIO()

    call_command("setup_demo", stdout=first)
    call_command("setup_demo", stdout=second)

    organization = Organization.objects.get(name="demo")
    password = (tmp_path / "demo-admin-password").read_text().strip()
    administrator = Person.objects.get(organization=organization)
    assert organization.plan == Organization.Plan.ENTERPRISE
    assert administrator.user.check_password(password)
    assert "Created the demo organization" in first.getvalue()
    assert "Created the demo organization" not in second.getvalue()
    assert "http://testserver/demo/login/" in second.getvalue()
    assert password in second.getvalue()
