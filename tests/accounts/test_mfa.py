"""Two-step sign-in: enrolment, the code step of signing in, recovery codes, turning it off,
required roles, idle timeout of privileged sessions and re-authentication with the code."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from civiclab.accounts import services
from civiclab.accounts.audit import AuditAction
from civiclab.accounts.models import ApiToken, User
from civiclab.core import clock
from civiclab.core.models import AuditEvent
from civiclab.organisations.models import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory, member, sign_in_recently
from tests.permissions import assert_permission_matrix, everyone_except, only

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")
ENROL = reverse("accounts:mfa_enrol")
RECOVERY_CODE_RE = re.compile(r"<li>([A-Z2-7]{5}-[A-Z2-7]{5})</li>")


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """Turn two-step sign-in on for `user` with a code of the previous time step, so the
    current code is still unused and can sign in."""
    key = services.mfa.new_secret()
    codes = services.mfa_enrol(actor=user, key=key, code=code_for(key, step=-1))
    return TOTPDevice.objects.get(user=user), codes


def code_for(key: str, step: int = 0) -> str:
    return f"{totp(bytes.fromhex(key), drift=step):06d}"


def current_code(device: TOTPDevice, step: int = 0) -> str:
    return code_for(device.key, step)


def password_step(client, user, ip="203.0.113.5", **extra):
    return client.post(
        LOGIN + extra.pop("query", ""),
        {"email": user.email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=ip,
    )


def code_step(client, code, ip="203.0.113.5"):
    return client.post(CODE, {"code": code}, REMOTE_ADDR=ip)


def actions(user) -> list[str]:
    return list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))


# Enrolment ---------------------------------------------------------------------------------


def test_the_setup_page_shows_a_qr_code_and_the_key_as_text(signed_in):
    page = signed_in.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html
    assert "QR code to add your civiclab account" in html
    key = signed_in.session["_civiclab_mfa_enrol_key"]
    assert services.mfa.secret_as_text(key) in html
    assert 'autocomplete="one-time-code"' in html
    # Nothing is stored until the code proves the app has the key.
    assert not TOTPDevice.objects.exists()


def test_enrolment_with_the_apps_code_turns_it_on_and_shows_recovery_codes_once(signed_in, user):
    signed_in.get(ENROL)
    key = signed_in.session["_civiclab_mfa_enrol_key"]
    response = signed_in.post(ENROL, {"code": code_for(key)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = RECOVERY_CODE_RE.findall(response.content.decode())
    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and device.key == key
    # Only digests are kept.
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert not stored & {code.replace("-", "").lower() for code in codes}
    assert AuditAction.MFA_ENABLED in actions(user)
    # The page with the codes is not shown again.
    assert signed_in.get(ENROL)["Location"] == reverse("accounts:mfa")
    status = signed_in.get(reverse("accounts:mfa")).content.decode()
    assert not RECOVERY_CODE_RE.search(status)


def test_a_wrong_code_does_not_turn_it_on(signed_in, user):
    signed_in.get(ENROL)
    response = signed_in.post(ENROL, {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert AuditAction.MFA_ENABLED not in actions(user)


def test_a_borrowed_session_cannot_turn_it_on_without_the_password(signed_in_long_ago):
    response = signed_in_long_ago.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:confirm_password"))


# Signing in --------------------------------------------------------------------------------


def test_a_stolen_password_alone_does_not_sign_in_an_enrolled_account(client, user):
    _device, _codes = enrol(user)
    response = password_step(client, user)
    assert response.status_code == 302
    assert response["Location"] == CODE
    assert "_auth_user_id" not in client.session
    # Without the code nothing that needs a sign-in opens.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert client.get(CODE).status_code == 200


def test_the_code_finishes_signing_in_and_goes_where_sign_in_began(client, user):
    device, _codes = enrol(user)
    password_step(client, user, query="?next=/accounts/tokens/")
    response = code_step(client, current_code(device))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/tokens/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_accounts_without_two_step_sign_in_sign_in_with_the_password(client, user):
    response = password_step(client, user)
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_used_code_cannot_be_replayed(client, user):
    device, _codes = enrol(user)
    code = current_code(device)
    password_step(client, user)
    assert code_step(client, code).status_code == 302
    other = Client()
    password_step(other, user, ip="198.51.100.9")
    replay = code_step(other, code, ip="198.51.100.9")
    assert replay.status_code == 200
    assert "_auth_user_id" not in other.session


def test_the_code_step_without_a_password_step_sends_to_sign_in(client, user):
    enrol(user)
    response = client.post(CODE, {"code": "123456"})
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


@override_settings(MFA_LOGIN_STEP_MINUTES=10)
def test_the_password_step_expires(client, user):
    device, _codes = enrol(user)
    password_step(client, user)
    with time_machine.travel(clock.now() + timedelta(minutes=11)):
        response = code_step(client, current_code(device))
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=5, LOGIN_FAILURES_PER_CLIENT=100)
def test_wrong_codes_are_throttled_and_the_right_password_does_not_reset_the_count(client, user):
    device, _codes = enrol(user)
    statuses = []
    for n in range(8):
        # Giving the right password again must not buy more guesses at the code.
        password_step(client, user)
        statuses.append(code_step(client, f"{n:06d}").status_code)
    assert statuses[:5] == [200] * 5
    assert set(statuses[5:]) == {429}
    throttled = code_step(client, current_code(device))
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.content.decode()
    assert "_auth_user_id" not in client.session
    # Another client (the owner) is not locked out.
    owner = Client()
    password_step(owner, user, ip="198.51.100.20")
    assert code_step(owner, current_code(device), ip="198.51.100.20").status_code == 302


def test_admin_login_requires_the_second_factor(client):
    root = User.objects.create_superuser(
        email="root@example.org", password=DEFAULT_PASSWORD, display_name="Root"
    )
    device, _codes = enrol(root)
    start = client.get(reverse("admin:login"), {"next": "/admin/"})
    response = client.post(start["Location"], {"email": root.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == CODE
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    done = code_step(client, current_code(device))
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# Recovery codes ----------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(client, user):
    _device, codes = enrol(user)
    password_step(client, user)
    response = code_step(client, codes[0].lower().replace("-", " "))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    event = AuditEvent.objects.get(action=AuditAction.RECOVERY_CODE_USED)
    assert event.details == {"codes_left": 9}
    again = Client()
    password_step(again, user, ip="198.51.100.7")
    assert code_step(again, codes[0], ip="198.51.100.7").status_code == 200
    assert "_auth_user_id" not in again.session


def test_new_recovery_codes_replace_the_old_ones(client, user):
    _device, old = enrol(user)
    sign_in_recently(client, user)
    confirm = client.get(reverse("accounts:mfa_recovery_codes"))
    assert "You have 10 recovery codes left" in confirm.content.decode()
    response = client.post(reverse("accounts:mfa_recovery_codes"))
    new = RECOVERY_CODE_RE.findall(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert services.mfa_verify(user=user, code=old[1]) is None
    assert services.mfa_verify(user=user, code=new[1]) == "recovery"
    assert AuditAction.RECOVERY_CODES_REGENERATED in actions(user)


# Turning it off ----------------------------------------------------------------------------


def test_turning_it_off_needs_the_password_and_a_code(client, user):
    device, _codes = enrol(user)
    password_step(client, user)
    code_step(client, current_code(device))
    disable = reverse("accounts:mfa_disable")
    with time_machine.travel(clock.now() + timedelta(minutes=20)):
        response = client.post(disable)
        assert response.status_code == 302
        confirm = response["Location"]
        assert confirm.startswith(reverse("accounts:confirm_password"))
        assert TOTPDevice.objects.exists()
        # The password alone is not enough.
        page = client.post(confirm, {"password": DEFAULT_PASSWORD, "next": disable})
        assert page.status_code == 200
        assert "Enter the code." in page.content.decode()
        assert client.post(disable).status_code == 302
        assert TOTPDevice.objects.exists()
        right = client.post(
            confirm,
            {"password": DEFAULT_PASSWORD, "code": current_code(device, 1), "next": disable},
        )
        assert right["Location"] == disable
        assert client.post(disable)["Location"] == reverse("accounts:mfa")
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()
    assert AuditAction.MFA_DISABLED in actions(user)
    client.logout()
    assert password_step(client, user)["Location"] == reverse("home")


def test_creating_a_token_needs_the_code_when_it_is_on(client, user):
    device, _codes = enrol(user)
    password_step(client, user)
    code_step(client, current_code(device))
    create = reverse("accounts:token_create")
    assert client.get(create).status_code == 200
    with time_machine.travel(clock.now() + timedelta(minutes=20)):
        response = client.get(create)
        assert response["Location"].startswith(reverse("accounts:confirm_password"))
        api = client.post("/api/v1/me/tokens", {"name": "x"}, content_type="application/json")
        assert api.status_code == 403
        client.post(
            response["Location"],
            {"password": DEFAULT_PASSWORD, "code": "000000", "next": create},
        )
        assert client.get(create).status_code == 302
    assert not ApiToken.objects.exists()


# Required roles ----------------------------------------------------------------------------


@override_settings(MFA_REQUIRED_ROLES=["admin", "decision_maker", "platform_admin"])
def test_an_organisation_admin_without_it_is_sent_to_turn_it_on(client, organisation):
    admin = member(organisation, Role.ADMIN)
    sign_in_recently(client, admin)
    page = client.get(reverse("organisations:members", kwargs={"slug": organisation.slug}))
    assert page.status_code == 302
    assert page["Location"] == ENROL
    enrol_page = client.get(ENROL)
    assert enrol_page.status_code == 200
    assert "Your roles on this platform need two-step sign-in" in enrol_page.content.decode()
    assert client.get(reverse("home"))["Location"] == ENROL
    api = client.get("/api/v1/me")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "mfa_required"
    # Signing out stays possible.
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@override_settings(MFA_REQUIRED_ROLES=["admin", "decision_maker", "platform_admin"])
def test_once_it_is_on_the_admin_goes_on_and_cannot_turn_it_off(client, organisation):
    admin = member(organisation, Role.ADMIN)
    enrol(admin)
    sign_in_recently(client, admin)
    members = reverse("organisations:members", kwargs={"slug": organisation.slug})
    assert client.get(members).status_code == 200
    refused = client.post(reverse("accounts:mfa_disable"))
    assert refused.status_code == 403
    assert TOTPDevice.objects.filter(user=admin).exists()


@override_settings(MFA_REQUIRED_ROLES=["admin", "decision_maker", "platform_admin"])
def test_a_platform_admin_without_it_cannot_open_the_administration(client):
    root = User.objects.create_superuser(
        email="root@example.org", password=DEFAULT_PASSWORD, display_name="Root"
    )
    sign_in_recently(client, root)
    assert client.get("/admin/")["Location"] == ENROL


@override_settings(MFA_REQUIRED_ROLES=["admin", "decision_maker", "platform_admin"])
def test_people_without_a_required_role_are_not_asked(client, organisation):
    person = member(organisation, Role.STAFF)
    sign_in_recently(client, person)
    assert client.get(reverse("home")).status_code == 200


@override_settings(MFA_REQUIRED_ROLES=[])
def test_with_no_required_roles_nobody_is_asked(client, organisation):
    sign_in_recently(client, member(organisation, Role.ADMIN))
    assert client.get(reverse("home")).status_code == 200


# Idle timeout ------------------------------------------------------------------------------


@override_settings(PRIVILEGED_SESSION_IDLE_MINUTES=30, MFA_REQUIRED_ROLES=[])
def test_a_superusers_idle_session_ends(client):
    root = User.objects.create_superuser(
        email="root@example.org", password=DEFAULT_PASSWORD, display_name="Root"
    )
    sign_in_recently(client, root)
    with time_machine.travel(clock.now(), tick=False) as traveller:
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"]).content.decode()
        assert "signed out after 30 minutes without activity" in page


@override_settings(PRIVILEGED_SESSION_IDLE_MINUTES=30, MFA_REQUIRED_ROLES=["decision_maker"])
def test_a_decision_makers_idle_session_ends(client, organisation):
    maker = member(organisation, Role.DECISION_MAKER)
    enrol(maker)
    sign_in_recently(client, maker)
    with time_machine.travel(clock.now(), tick=False) as traveller:
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=31))
        assert client.get(reverse("home"))["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session


@override_settings(PRIVILEGED_SESSION_IDLE_MINUTES=30, MFA_REQUIRED_ROLES=["admin"])
def test_ordinary_sessions_are_not_timed_out(client, user):
    sign_in_recently(client, user)
    with time_machine.travel(clock.now(), tick=False) as traveller:
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(hours=5))
        assert client.get(reverse("accounts:profile")).status_code == 200


# Re-authentication before role changes ------------------------------------------------------


def test_a_borrowed_session_cannot_change_roles_without_the_password(client, organisation):
    admin = member(organisation, Role.ADMIN)
    person = member(organisation, Role.STAFF)
    client.force_login(admin)  # a session whose password was not entered lately
    url = reverse(
        "organisations:member_roles", kwargs={"slug": organisation.slug, "user_id": person.pk}
    )
    response = client.post(url, {"roles": ["staff", "admin"]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:confirm_password"))
    invite = client.post(
        reverse("organisations:invite", kwargs={"slug": organisation.slug}),
        {"email": "lea@example.org", "roles": ["admin"]},
    )
    assert invite["Location"].startswith(reverse("accounts:confirm_password"))
    assert set(person.memberships.values_list("role", flat=True)) == {"staff"}


def test_role_changes_need_the_code_when_it_is_on(client, organisation):
    admin = member(organisation, Role.ADMIN)
    person = member(organisation, Role.STAFF)
    device, _codes = enrol(admin)
    client.force_login(admin)
    url = reverse(
        "organisations:member_roles", kwargs={"slug": organisation.slug, "user_id": person.pk}
    )
    confirm = client.post(url, {"roles": ["staff", "moderator"]})["Location"]
    client.post(confirm, {"password": DEFAULT_PASSWORD, "next": url})
    assert client.post(url, {"roles": ["staff", "moderator"]}).status_code == 302
    assert set(person.memberships.values_list("role", flat=True)) == {"staff"}
    client.post(confirm, {"password": DEFAULT_PASSWORD, "code": current_code(device)})
    assert client.post(url, {"roles": ["staff", "moderator"]})["Location"].endswith("/members/")
    assert set(person.memberships.values_list("role", flat=True)) == {"staff", "moderator"}


# Personal data and rules -------------------------------------------------------------------


def test_deleting_the_account_removes_the_app_and_the_recovery_codes(user):
    enrol(user)
    services.user_delete(actor=user)
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()
    assert not StaticToken.objects.exists()


def test_the_export_says_it_is_on_without_the_secret(user):
    device, _codes = enrol(user)
    from civiclab.core import personal_data

    data = personal_data.export_for(user)
    assert data["otp_totp.totpdevice"][0]["confirmed"] is True
    assert data["otp_static.staticdevice"][0]["codes_left"] == 10
    assert device.key not in repr(data)


def test_everyone_signed_in_manages_their_own_two_step_sign_in():
    assert_permission_matrix(
        "accounts.manage_mfa",
        lambda organisation: None,
        expected=everyone_except("anonymous"),
        check=lambda person, obj: person.has_perm("accounts.manage_mfa"),
    )


def test_a_recovery_code_of_another_account_does_not_work(user):
    _device, codes = enrol(user)
    other = UserFactory()
    enrol(other)
    assert services.mfa_verify(user=other, code=codes[0]) is None


# A platform admin helps someone who lost both their app and their codes -------------------


def test_a_superuser_turns_off_someones_two_step_sign_in_in_the_administration(client, user):
    enrol(user)
    root = User.objects.create_superuser(
        email="root@example.org", password=DEFAULT_PASSWORD, display_name="Root"
    )
    client.force_login(root)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "turn_off_two_step_sign_in", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action=AuditAction.MFA_DISABLED)
    assert event.actor == root and event.subject_id == str(user.pk)


def test_the_administration_does_not_show_the_apps_secrets(client, user):
    device, _codes = enrol(user)
    root = User.objects.create_superuser(
        email="root@example.org", password=DEFAULT_PASSWORD, display_name="Root"
    )
    client.force_login(root)
    index = client.get("/admin/").content.decode()
    assert "otp_totp" not in index
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 404


def test_only_superusers_reset_someones_two_step_sign_in():
    assert_permission_matrix(
        "accounts.reset_mfa",
        lambda organisation: UserFactory(),
        expected=only("platform_admin"),
    )
    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        services.mfa_reset(actor=staff, user=UserFactory())
