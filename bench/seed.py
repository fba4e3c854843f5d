"""Seed an organization with N people whose attributes look like a real directory."""

import random
import uuid

from django.db import connection

from accounts.administrators import create_administrator
from accounts.models import Organization, Person

FIRST_NAMES = ["Ava", "Ben", "Chloe", "Daniel", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kofi",
               "Lena", "Mateo", "Nadia", "Oscar", "Priya", "Quinn", "Rosa", "Samir", "Tara", "Ugo", "Vera",
               "Wei", "Ximena", "Yusuf", "Zoe"]
LAST_NAMES = ["Smith", "Garcia", "Müller", "Rossi", "Nakamura", "Okafor", "Kowalski", "Dubois", "Silva",
              "Johansson", "Patel", "Kim", "Novak", "O'Brien", "Haddad", "Larsen", "Ivanova", "Chen"]
DEPARTMENTS = ["Engineering", "Sales", "Finance", "Legal", "Support", "Marketing", "Operations", "People"]
TITLES = ["Engineer", "Senior Engineer", "Account Executive", "Analyst", "Counsel", "Support Specialist",
          "Product Manager", "Director"]
CITIES = ["Bucharest", "London", "New York", "Tokyo", "Bangalore", "Paris", "Berlin", "São Paulo"]
BENCH_PASSWORD = "bench-administrator-password"


def bench_organization():
    """Return the `bench` organization, creating it with its administrator on first use."""
    organization = Organization.objects.filter(name="bench").first()
    if organization is None:
        organization = Organization.create_with_builtin_groups(
            name="bench", display_name="Benchmark Organization", plan=Organization.Plan.ENTERPRISE
        )
        create_administrator(organization, user_name="admin@bench.example", email="admin@bench.example",
                             password=BENCH_PASSWORD)
    return organization


# Seeded people's external ids; people that the push workloads create carry a suffix.
SEEDED_EXTERNAL_ID = r"^00u[0-9]{12}$"


def seeded_people(organization):
    return Person.objects.filter(organization=organization, external_id__regex=SEEDED_EXTERNAL_ID)


def seeded_count(organization):
    return seeded_people(organization).count()


def grow_directory(organization, size, *, inactive_share=0.1):
    """Add directory people to the organization until it has `size` seeded people.

    Person number i has user name person{i}@bench.example and external id
    00u{i:012d}, so workloads can address existing people without a query. A tenth
    (inactive_share) are deactivated. Returns the ids of all seeded people, in order.
    """
    start = seeded_count(organization)
    chooser = random.Random(start)
    batch = []
    for number in range(start, size):
        first, last = chooser.choice(FIRST_NAMES), chooser.choice(LAST_NAMES)
        batch.append(
            Person(
                id=uuid.UUID(int=chooser.getrandbits(128), version=4),
                organization=organization,
                user_name=f"person{number}@bench.example",
                email=f"person{number}@bench.example",
                first_name=first,
                last_name=last,
                display_name=f"{first} {last}",
                job_title=chooser.choice(TITLES),
                city=chooser.choice(CITIES),
                department=chooser.choice(DEPARTMENTS),
                company_name="Bench Corp",
                external_id=f"00u{number:012d}",
                active=chooser.random() >= inactive_share,
                source=Person.Source.DIRECTORY,
            )
        )
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    # PostgreSQL's autovacuum would process the freshly loaded rows a little later. The
    # benchmark vacuums them now, so it measures a settled table (fresh statistics,
    # index-only scans) and not the first minutes after a bulk load.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE accounts_person")
    ids = dict(seeded_people(organization).values_list("external_id", "id"))
    return [ids[f"00u{number:012d}"] for number in range(size)]


def scim_user_body(number, *, suffix="", active=True):
    """Return the body Okta sends to create or replace person{number}."""
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "userName": f"person{number}{suffix}@bench.example",
        "externalId": f"00u{number:012d}{suffix}",
        "displayName": f"Bench Person {number}",
        "name": {"givenName": "Bench", "familyName": f"Person {number}"},
        "emails": [{"type": "work", "value": f"person{number}{suffix}@bench.example", "primary": True}],
        "title": "Engineer",
        "addresses": [{"type": "work", "locality": "Lisbon"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Engineering",
                                                                        "organization": "Bench Corp"},
        "active": active,
        "password": "placeholder-Passw0rd!",
        "locale": "en-US",
        "groups": [],
    }
