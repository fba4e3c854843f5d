"""Model instances from hand-written SQL (uipath_identity.rows) equal the ORM's."""

from django.db import connection
from django.db.models.signals import post_init

from accounts.models import Organization, Person
from security.models import ScimConnection
from tests.factories import make_person
from uipath_identity.rows import ModelColumns, fetch_instances


def fields_of(instance):
    return {name: value for name, value in vars(instance).items() if name != "_state"}


def test_instances_equal_the_orm_rows(organization):
    person = make_person(organization, external_id="00uAda", email_primary=False, active=False)
    columns = [ModelColumns(Person, "p", connection), ModelColumns(Organization, "o", connection)]
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {columns[0].select_list}, {columns[1].select_list} FROM {quote(Person._meta.db_table)} p"
        f" INNER JOIN {quote(Organization._meta.db_table)} o ON o.{quote('id')} = p.{quote('organization_id')}"
        f" WHERE p.{quote('id')} = %s"
    )

    rows = fetch_instances(connection, sql, [Person._meta.pk.get_db_prep_value(person.pk, connection)], columns)

    [(found_person, found_organization)] = rows
    assert fields_of(found_person) == fields_of(Person.objects.get(pk=person.pk))
    assert fields_of(found_organization) == fields_of(Organization.objects.get(pk=organization.pk))
    assert found_person._state.adding is False
    assert found_person._state.db == "default"


def test_generated_column_left_out_is_deferred(organization):
    person = make_person(organization, user_name="ada@example.com")
    columns = ModelColumns(Person, "p", connection, generated=False)
    sql = f"SELECT {columns.select_list} FROM {connection.ops.quote_name(Person._meta.db_table)} p"

    [(found,)] = fetch_instances(connection, sql, [], [columns])

    assert found.get_deferred_fields() == {"search_text"}
    assert "ada@example.com" in found.search_text
    assert found.pk == person.pk


def test_row_of_nulls_is_none(organization):
    columns = ModelColumns(ScimConnection, "c", connection)
    nulls = ", ".join(["NULL"] * len(columns))

    assert fetch_instances(connection, f"SELECT {nulls}", [], [columns]) == [[None]]


def test_post_init_receiver_gets_from_db_instance(organization):
    person = make_person(organization, user_name="ada@example.com")
    columns = ModelColumns(Person, "p", connection, generated=False)
    sql = f"SELECT {columns.select_list} FROM {connection.ops.quote_name(Person._meta.db_table)} p"
    initialized = []

    def receiver(sender, instance, **kwargs):
        initialized.append(instance)

    post_init.connect(receiver, sender=Person)
    try:
        [(found,)] = fetch_instances(connection, sql, [], [columns])
    finally:
        post_init.disconnect(receiver, sender=Person)

    assert initialized == [found]
    assert found.pk == person.pk
    assert found.get_deferred_fields() == {"search_text"}
    assert (found._state.adding, found._state.db) == (False, "default")


def test_instance_without_init_behaves_as_loaded(organization):
    person = make_person(organization, user_name="ada@example.com", first_name="Ada")
    columns = ModelColumns(Person, "p", connection, generated=False)
    sql = f"SELECT {columns.select_list} FROM {connection.ops.quote_name(Person._meta.db_table)} p"

    [(found,)] = fetch_instances(connection, sql, [], [columns])
    found.first_name = "Augusta"
    found.save(update_fields=["first_name"])

    assert found.organization == organization
    assert found == person
    assert Person.objects.get(pk=person.pk).first_name == "Augusta"
