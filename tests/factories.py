"""factory_boy factories for the models every app's tests need."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from civiclab.organisations import setup_steps
from civiclab.organisations.models import Level, Membership, Organisation

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An organisation as `organisation_create` leaves it: with what other apps set up for
    it (the idea box). `set_up=False` makes the bare row."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"City of Example {n}")
    slug = factory.Sequence(lambda n: f"example-{n}")
    country = "GB"  # the factories write English; search reads it in English
    level = Level.LOCAL
    time_zone = "Europe/Amsterdam"

    @factory.post_generation
    def set_up(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            setup_steps.run(obj)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = "staff"


def member(organisation, *roles, **user_fields):
    """A new user holding `roles` in `organisation`."""
    user = UserFactory(**user_fields)
    for role in roles:
        MembershipFactory(organisation=organisation, user=user, role=role)
    return user


def sign_in_recently(client, user):
    """Sign `user` in on `client` as if they had just entered their password (and passed the
    second step), so pages guarded by re-authentication open (`accounts.reauth`)."""
    from civiclab.accounts import mfa, reauth
    from civiclab.core import clock

    client.force_login(user)
    session = client.session
    now = clock.now().timestamp()
    session[reauth.SESSION_KEY] = {"user": user.pk, "at": now}
    session[mfa.VERIFIED_KEY] = {"user": user.pk, "at": now}
    session.save()
    return client
