"""Finding the person an assertion signs in, and linking them to their SAML identity."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Person
from sso import saml
from sso.models import SamlIdentity

logger = logging.getLogger(__name__)

# Person fields filled from optional claims only while they are blank, so values
# that SCIM has set are never overwritten.
PROFILE_CLAIMS = {
    "first_name": saml.FIRST_NAME_CLAIM,
    "last_name": saml.LAST_NAME_CLAIM,
    "job_title": saml.JOB_TITLE_CLAIM,
    "department": saml.DEPARTMENT_CLAIM,
}


@transaction.atomic
def person_for_assertion(organization, assertion):
    """Return the person `assertion` signs in, linked to its subject and with an auth user.

    Matching tries, in order, an existing link to the same subject, the person whose
    external id equals the assertion's directory identifier, and the person whose
    user name (or else work email) equals the Name ID regardless of letter case. An
    email match never takes over a person already linked to another subject of the
    same identity provider or carrying another directory identifier. Raises SsoFailure with `unknown_person`,
    `ambiguous_email`, `linked_to_other_identity` or `person_inactive`.
    """
    directory_id = assertion.first(saml.DIRECTORY_ID_CLAIM)
    subject = directory_id or assertion.name_id.lower()
    ids = {"assertion_id": assertion.assertion_id}

    identity = (
        SamlIdentity.objects.select_for_update()
        .select_related("person")
        .filter(organization=organization, issuer=assertion.issuer, subject=subject)
        .first()
    )
    if identity is not None:
        person = identity.person
    else:
        person = _match_unlinked_person(organization, assertion, directory_id, ids)
        identity = _link(organization, person, assertion.issuer, subject)

    ids["person_id"] = person.id
    if not person.active or (person.user is not None and not person.user.is_active):
        raise saml.SsoFailure("person_inactive", **ids)

    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    _fill_blank_profile_fields(person, assertion)
    _ensure_auth_user(person)
    return person


def _match_unlinked_person(organization, assertion, directory_id, ids):
    if directory_id:
        person = Person.objects.filter(organization=organization, external_id=directory_id).first()
        if person is not None:
            return person

    people = Person.objects.filter(organization=organization)
    person = people.filter(user_name__iexact=assertion.name_id).first()
    if person is None:
        by_email = list(people.filter(email__iexact=assertion.name_id)[:2])
        if len(by_email) > 1:
            raise saml.SsoFailure("ambiguous_email", **ids)
        person = by_email[0] if by_email else None
    if person is None:
        raise saml.SsoFailure("unknown_person", **ids)

    ids["person_id"] = person.id
    # A link made through a former identity provider (another issuer) is stale: the
    # organization has one identity provider at a time, and _link replaces it.
    if SamlIdentity.objects.filter(person=person, issuer=assertion.issuer).exists():
        raise saml.SsoFailure("linked_to_other_identity", **ids)
    if directory_id and person.external_id and person.external_id != directory_id:
        raise saml.SsoFailure("linked_to_other_identity", **ids)
    return person


def _link(organization, person, issuer, subject):
    """Link `person` to the subject, replacing their link to another subject or a former issuer."""
    SamlIdentity.objects.filter(person=person).delete()
    identity = SamlIdentity.objects.create(organization=organization, person=person, issuer=issuer, subject=subject)
    logger.info(
        "saml_identity_linked organization=%s person=%s identity=%s", organization.id, person.id, identity.id
    )
    return identity


def _fill_blank_profile_fields(person, assertion):
    changed = []
    for field_name, claim in PROFILE_CLAIMS.items():
        value = assertion.first(claim)[:255]
        if value and not getattr(person, field_name):
            setattr(person, field_name, value)
            changed.append(field_name)
    if changed:
        # The filled fields are SCIM attributes, so the SCIM version changes too. It
        # increases in the database, because SCIM writes check it without a row lock.
        person.version = F("version") + 1
        person.save(update_fields=[*changed, "version", "updated_at"])
        person.refresh_from_db(fields=["version"])


def _ensure_auth_user(person):
    """Give a person without a sign-in identity (such as one SCIM created) an auth user.

    The user has an unusable password, so only single sign-on signs them in.
    """
    if person.user_id is not None:
        return
    user = get_user_model()(username=f"person-{person.id}", email=person.email)
    user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user", "updated_at"])
