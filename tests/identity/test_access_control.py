"""Who may open what: the back office is for staff who passed both factors; a resident sees only their
own profile; email sign-in links work once; staff sign-in is throttled and TOTP codes are single-use."""

import re
from datetime import timedelta

import pyotp
import pytest
from django.utils import timezone

from smartkoto.core.models import AuditRecord
from smartkoto.identity.models import EmailSignInLink, TOTPDevice, User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


# -- the back office ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/staff/", "/en/staff/", "/staff/audit/", "/staff/outbox/", "/staff/admin/"])
def test_resident_is_kept_out_of_the_back_office(resident_client, path):
    assert resident_client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/staff/", "/en/staff/audit/", "/staff/outbox/"])
def test_anonymous_visitor_is_sent_to_staff_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/staff/sign-in/?next=" in response["Location"]
    assert response["Location"].endswith(path)


def test_back_office_stays_guarded_under_a_longer_language_prefix(client, make_resident, settings):
    settings.LANGUAGES = [("ja", "日本語"), ("en", "English"), ("zh-hans", "简体中文")]
    assert client.get("/zh-hans/staff/").status_code == 302
    assert client.get("/zh-hans/staff/sign-in/").status_code == 200
    client.force_login(make_resident())
    assert client.get("/zh-hans/staff/").status_code == 403


def test_staff_without_the_totp_step_is_refused(client, make_staff):
    staff = make_staff()
    client.force_login(staff)  # password checked, second factor not
    assert client.get("/staff/").status_code == 403


def test_staff_after_the_password_step_only_cannot_enter(client, make_staff):
    make_staff(username="kumin-case")
    response = client.post("/staff/sign-in/", {"username": "kumin-case", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].endswith("/staff/sign-in/code/")
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/sign-in/" in response["Location"]


def test_staff_with_both_factors_sees_the_staff_home_with_the_family_name_first(client, make_staff, staff_login):
    user = make_staff(username="kumin-case")
    user.last_name, user.first_name = "審査", "次郎"
    user.save()
    response = staff_login(client, user).get("/en/staff/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Staff home" in text and "審査 次郎" in text


def test_staff_cannot_use_the_resident_profile_page(staff_client):
    assert staff_client.get("/my/profile/").status_code == 403


# -- one resident, one profile ------------------------------------------------------------------------
def test_each_resident_sees_only_their_own_profile(client, make_resident):
    hanako = make_resident(name="江東 花子", address="東京都江東区東陽四丁目2番1号", subject="s-hanako")
    taro = make_resident(name="深川 太郎", address="東京都江東区深川二丁目8番19号", subject="s-taro")
    client.force_login(hanako)
    page = client.get("/my/profile/").content.decode()
    assert "江東 花子" in page and "東陽四丁目2番1号" in page
    assert "深川 太郎" not in page and "深川二丁目8番19号" not in page
    client.force_login(taro)
    page = client.get("/my/profile/").content.decode()
    assert "深川 太郎" in page and "深川二丁目8番19号" in page
    assert "江東 花子" not in page and "東陽四丁目2番1号" not in page


def test_profile_has_no_address_that_names_another_resident(client, make_resident):
    from django.urls import NoReverseMatch, reverse

    hanako = make_resident(subject="s-hanako")
    other = make_resident(name="深川 太郎", subject="s-taro")
    client.force_login(hanako)
    for attempt in (f"/my/profile/{other.pk}/", f"/my/profile/?id={other.pk}", f"/my/profile/?user={other.pk}"):
        response = client.get(attempt)
        assert "深川 太郎" not in response.content.decode()
    with pytest.raises(NoReverseMatch):
        reverse("identity:profile", args=[other.pk])


def test_contact_details_saved_go_to_the_signed_in_resident_only(client, make_resident):
    hanako = make_resident(subject="s-hanako")
    taro = make_resident(name="深川 太郎", subject="s-taro", email="taro@example.jp")
    client.force_login(hanako)
    response = client.post("/my/profile/", {"email": "hanako@example.jp", "phone": "03-3647-9111",
                                            "preferred_language": "en", "user": taro.pk})
    assert response.status_code == 302
    hanako.profile.refresh_from_db()
    taro.profile.refresh_from_db()
    assert hanako.profile.email == "hanako@example.jp" and hanako.profile.preferred_language == "en"
    assert taro.profile.email == "taro@example.jp"


def test_anonymous_visitor_is_sent_to_sign_in_for_the_profile(client):
    response = client.get("/my/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


# -- email sign-in links ----------------------------------------------------------------------------------
def _request_link(client, mailoutbox, email="newcomer@example.jp"):
    response = client.post("/sign-in/", {"email": email})
    assert response.status_code == 200
    (mail,) = [m for m in mailoutbox if email in m.to]
    return re.search(r"/sign-in/email/([^/\s]+)/", mail.body).group(0)


def test_email_sign_in_link_signs_in_once(client, mailoutbox):
    link = _request_link(client, mailoutbox)
    assert client.get(link).status_code == 200  # a GET (mail scanners) does not use it up
    assert "_auth_user_id" not in client.session
    response = client.post(link)
    assert response.status_code == 302 and response["Location"].endswith("/my/profile/")
    user = User.objects.get(profile__provider="email")
    assert user.profile.assurance_level == 1 and user.profile.email == "newcomer@example.jp"
    client.logout()
    again = client.post(link)
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(action="identity.email_link_refused").count() == 1


def test_expired_email_sign_in_link_is_refused(client, mailoutbox):
    link = _request_link(client, mailoutbox)
    EmailSignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(link)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(profile__provider="email").exists()


def test_made_up_email_sign_in_link_is_refused(client):
    assert client.post("/sign-in/email/not-a-real-token/").status_code == 400


def test_email_sign_in_request_with_a_bad_address_shows_the_error(client):
    response = client.post("/en/sign-in/", {"email": "not-an-address"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Enter an email address in the right format" in text
    assert 'aria-invalid="true"' in text and "<title>Error:" in text


# -- staff sign-in: throttling and TOTP -----------------------------------------------------------------
def _totp(user):
    return pyotp.TOTP(TOTPDevice.objects.get(user=user).secret)


def _confirmed_staff(make_staff, username="kumin-case"):
    user = make_staff(username=username)
    TOTPDevice.objects.create(user=user, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    return user


def test_staff_signs_in_with_password_and_code(client, make_staff):
    user = _confirmed_staff(make_staff)
    client.post("/staff/sign-in/", {"username": user.username, "password": PASSWORD})
    response = client.post("/staff/sign-in/code/", {"code": _totp(user).now()})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert AuditRecord.objects.filter(action="identity.staff_sign_in", actor_id=user.pk).exists()


def test_staff_login_locks_after_the_configured_failures(client, make_staff, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 3
    user = _confirmed_staff(make_staff)
    for _ in range(3):
        response = client.post("/en/staff/sign-in/", {"username": user.username, "password": "wrong password!"})
        assert "The staff ID or password is wrong." in response.content.decode()
    response = client.post("/en/staff/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "staff_pending_user" not in client.session
    assert AuditRecord.objects.filter(action="identity.staff_sign_in_failed").count() == 3


def test_one_staff_members_lock_does_not_lock_colleagues_behind_the_same_address(client, make_staff, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 3
    careless = _confirmed_staff(make_staff, username="careless")
    colleague = _confirmed_staff(make_staff, username="colleague")
    for _ in range(3):
        client.post("/staff/sign-in/", {"username": careless.username, "password": "wrong password!"})
    response = client.post("/staff/sign-in/", {"username": colleague.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].endswith("/staff/sign-in/code/")


def test_many_failures_from_one_address_lock_every_account_from_it(client, make_staff, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 3
    settings.STAFF_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    user = _confirmed_staff(make_staff)
    for name in ("guess-1", "guess-2", "guess-3", "guess-4"):
        client.post("/staff/sign-in/", {"username": name, "password": "wrong password!"})
    response = client.post("/en/staff/sign-in/", {"username": user.username, "password": PASSWORD})
    assert "Too many failed attempts" in response.content.decode()


def test_staff_login_is_not_locked_before_the_limit(client, make_staff, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 3
    user = _confirmed_staff(make_staff)
    for _ in range(2):
        client.post("/staff/sign-in/", {"username": user.username, "password": "wrong password!"})
    response = client.post("/staff/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_totp_codes_count_towards_the_lock(client, make_staff, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 2
    user = _confirmed_staff(make_staff)
    client.post("/staff/sign-in/", {"username": user.username, "password": PASSWORD})
    good = _totp(user).now()
    wrong = f"{(int(good) + 1) % 1000000:06d}"
    for _ in range(2):
        client.post("/staff/sign-in/code/", {"code": wrong})
    response = client.post("/en/staff/sign-in/code/", {"code": good})
    assert response.status_code == 200 and "Too many failed attempts" in response.content.decode()
    assert client.get("/staff/").status_code in (302, 403)


def test_totp_code_cannot_be_replayed(client, make_staff):
    user = _confirmed_staff(make_staff)
    code = _totp(user).now()
    client.post("/staff/sign-in/", {"username": user.username, "password": PASSWORD})
    assert client.post("/staff/sign-in/code/", {"code": code}).status_code == 302
    client.post("/sign-out/")
    assert client.get("/staff/").status_code == 302
    client.post("/staff/sign-in/", {"username": user.username, "password": PASSWORD})
    response = client.post("/en/staff/sign-in/code/", {"code": code})
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert client.get("/staff/").status_code in (302, 403)


def test_code_page_without_the_password_step_sends_back_to_sign_in(client):
    response = client.get("/staff/sign-in/code/")
    assert response.status_code == 302 and response["Location"].endswith("/staff/sign-in/")


def test_staff_sign_in_does_not_accept_a_resident(client, make_resident):
    resident = make_resident()
    resident.set_password(PASSWORD)
    resident.save()
    response = client.post("/en/staff/sign-in/", {"username": resident.username, "password": PASSWORD})
    assert response.status_code == 200 and "The staff ID or password is wrong." in response.content.decode()


def test_first_time_staff_enrols_an_authenticator(client, make_staff):
    user = make_staff(username="new-staff")
    client.post("/staff/sign-in/", {"username": user.username, "password": PASSWORD})
    page = client.get("/en/staff/sign-in/code/").content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed_at is None
    assert device.secret in page and "<svg" in page
    assert client.post("/staff/sign-in/code/", {"code": pyotp.TOTP(device.secret).now()}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed_at is not None
