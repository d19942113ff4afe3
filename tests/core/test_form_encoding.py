"""A form the platform cannot read as UTF-8 (posted in Shift_JIS, or in an unknown charset) gets the 400
page, with DEBUG on or off, never a 500; UTF-8 forms and Shift_JIS multipart fields still work."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SJIS = "江東 花子@example.jp".encode("shift_jis")


def _client_and_token(path, user=None):
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    assert client.get(path).status_code == 200
    return client, client.cookies["csrftoken"].value


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded; charset=shift_jis",
    "application/x-www-form-urlencoded; charset=Shift_JIS",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "application/x-www-form-urlencoded",  # Shift_JIS bytes without a charset: not silently read as mojibake
], ids=["shift_jis", "Shift_JIS", "utf-16", "unknown", "no-charset"])
@pytest.mark.parametrize("path", ["/en/sign-in/", "/en/staff/sign-in/", "/en/my/profile/"])
def test_a_form_in_shift_jis_gets_a_400_page(settings, resident, debug, content_type, path):
    settings.DEBUG = debug
    client, token = _client_and_token(path, resident if path.startswith("/en/my/") else None)
    body = f"csrfmiddlewaretoken={token}&email=".encode() + SJIS + b"&username=" + SJIS + b"&password=x"
    response = client.generic("POST", path, body, content_type=content_type)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The form could not be read" in page and "UTF-8" in page


def test_the_400_page_is_translated():
    client, token = _client_and_token("/sign-in/")
    response = client.generic("POST", "/sign-in/", f"csrfmiddlewaretoken={token}&email=".encode() + SJIS,
                              content_type="application/x-www-form-urlencoded; charset=shift_jis")
    assert response.status_code == 400 and "フォームの内容を読み取れませんでした" in response.content.decode()


def test_api_paths_get_problem_details():
    response = Client().generic("POST", "/api/payments/", b"a=" + SJIS,
                                content_type="application/x-www-form-urlencoded; charset=shift_jis")
    assert response.status_code == 400
    assert response.json()["status"] == 400 and response.json()["title"]


def test_ckan_actions_get_the_ckan_envelope():
    response = Client().generic("POST", "/api/3/action/package_search", b"q=" + SJIS,
                                content_type="application/x-www-form-urlencoded; charset=shift_jis")
    assert response.status_code == 400
    assert response.json()["success"] is False and response.json()["error"]["__type"] == "Bad request"


def test_utf8_forms_are_untouched():
    client, token = _client_and_token("/en/sign-in/")
    body = f"csrfmiddlewaretoken={token}&email=".encode() + "花子%40example.jp".encode("utf-8")
    response = client.generic("POST", "/en/sign-in/", body, content_type="application/x-www-form-urlencoded; charset=UTF-8")
    assert response.status_code == 200  # the form answers (an invalid address is a field error, not a 400)


def test_multipart_fields_in_shift_jis_are_decoded_with_their_charset():
    client, token = _client_and_token("/en/sign-in/")
    body = (f'--xyz\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'.encode()
            + b'--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\n' + "hanako@example.jp".encode("shift_jis")
            + b"\r\n--xyz--\r\n")
    response = client.generic("POST", "/en/sign-in/", body, content_type="multipart/form-data; boundary=xyz; charset=shift_jis")
    assert response.status_code == 200 and "Check your email" in response.content.decode()


@pytest.mark.parametrize("url", [
    "/api/payments/?reference=a%00b",  # PostgreSQL refuses NUL in every query: this was a 500 there
    "/api/counters/congestion-history.csv?office=x%00",
    "/en/procedures/?q=%00",
    "/api/3/action/package_search?q=%00",
])
def test_a_nul_character_in_the_address_gets_a_400(url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400


def test_a_nul_character_in_a_urlencoded_form_gets_a_400():
    client, token = _client_and_token("/en/sign-in/")
    response = client.generic("POST", "/en/sign-in/", f"csrfmiddlewaretoken={token}&email=a%00%40example.jp".encode(),
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
