"""The one shape of each recurring thing in core: registries, CSV exports, downloads, steps and guest
ownership."""

import csv
import io
from decimal import Decimal

import pytest

from smartkoto.core import csvfile, guest
from smartkoto.core.actor import Actor
from smartkoto.core.downloads import download, download_file
from smartkoto.core.registry import Registry, UnknownPlugin
from smartkoto.core.steps import Steps


# -- Registry -------------------------------------------------------------------------------------
def test_registry_is_the_decorator_and_refuses_a_duplicate_id():
    things = Registry("thing")

    @things("one", label="One")
    class One:
        pass

    assert One.id == "one" and One.label == "One" and things.get("one") is One
    assert "one" in things and len(things) == 1 and things.ids() == ["one"] and things.choices() == [("one", "One")]
    things.add("one", One)  # the same plug-in again (a module imported twice) is harmless
    with pytest.raises(ValueError, match="thing 'one' is registered twice"):

        @things("one")
        class Other:
            pass

    assert things.get("one") is One


def test_an_unknown_id_names_the_id_and_the_known_ones():
    things = Registry("payment provider")
    things.add("simulated", object())
    things.add("stripe", object())
    with pytest.raises(UnknownPlugin) as unknown:
        things.get("paypay")
    assert str(unknown.value) == "No payment provider 'paypay'. Known: simulated, stripe"
    assert isinstance(unknown.value, LookupError)
    with pytest.raises(UnknownPlugin, match="Known: none"):
        Registry("empty").get("x")


# -- CSV ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_cells_a_spreadsheet_would_run(start):
    text = csvfile.write([[f"{start}HYPERLINK(\"http://evil\")", "ok"]], header=["a", "b"])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["a", "b"]
    assert rows[1][0] == "'" + f"{start}HYPERLINK(\"http://evil\")" and rows[1][1] == "ok"


def test_csv_header_is_neutralised_too_and_lines_end_with_crlf():
    text = csvfile.write([["x"]], header=["=cmd"])
    assert text == "\ufeff'=cmd\r\nx\r\n"


def test_csv_keeps_numbers_as_numbers_and_writes_empty_for_none():
    text = csvfile.write([[-1500, 2.5, Decimal("-300"), None, True, "江東 花子"]], bom=False)
    assert text == "-1500,2.5,-300,,true,江東 花子\r\n"


def test_csv_without_bom_for_machine_dumps_still_neutralises():
    text = csvfile.write([["=1+1"]], header=["f"], bom=False)
    assert not text.startswith("\ufeff") and "'=1+1" in text


def test_csv_response_is_a_utf8_download_with_a_japanese_name():
    response = csvfile.response([["1", "=x"]], ["番号", "値"], "申請一覧.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    assert response.content.decode("utf-8").endswith("1,'=x\r\n")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E7%94%B3%E8%AB%8B%E4%B8%80%E8%A6%A7.csv"


# -- downloads ------------------------------------------------------------------------------------
def test_a_japanese_file_name_gives_a_valid_rfc6266_header():
    response = download(b"\x89PNG", "本人確認書類.png", "image/png")
    header = response["Content-Disposition"]
    assert header == "attachment; filename*=utf-8''%E6%9C%AC%E4%BA%BA%E7%A2%BA%E8%AA%8D%E6%9B%B8%E9%A1%9E.png"
    assert "=?utf-8?" not in header and header.isascii()
    assert response["Content-Type"] == "image/png" and response.content == b"\x89PNG"


def test_inline_downloads_and_ascii_names_with_quotes():
    assert download("x", "receipt.pdf", "application/pdf", inline=True)["Content-Disposition"] == 'inline; filename="receipt.pdf"'
    assert download("x", 'a "b".txt', "text/plain")["Content-Disposition"] == 'attachment; filename="a \\"b\\".txt"'


def test_download_file_streams_an_open_file_with_the_same_header():
    response = download_file(io.BytesIO(b"data"), "控え.pdf", "application/pdf")
    assert b"".join(response.streaming_content) == b"data"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E6%8E%A7%E3%81%88.pdf"


# -- Steps ----------------------------------------------------------------------------------------
def test_steps_next_previous_position():
    steps = Steps(["who", "what", "check", "send"])
    assert steps.first == "who" and steps.last == "send" and len(steps) == 4 and "check" in steps
    assert steps.next("who") == "what" and steps.next("send") is None
    assert steps.previous("what") == "who" and steps.previous("who") is None
    assert steps.position("check") == (3, 4) and steps.is_last("send") and not steps.is_last("who")
    assert steps.first_missing({"who", "what"}) == "check" and steps.first_missing(set(steps)) is None


def test_steps_refuse_duplicates_and_unknown_steps():
    with pytest.raises(ValueError):
        Steps(["a", "a"])
    with pytest.raises(LookupError):
        Steps(["a"]).next("b")
    assert Steps([]).first is None


# -- guest ownership ------------------------------------------------------------------------------
def test_a_guest_owns_what_its_session_claimed():
    mine, other = Actor.anonymous(session={}), Actor.anonymous(session={})
    guest.claim(mine, "applications", "A-1")
    guest.claim(mine, "applications", "A-2")
    guest.claim(mine, "applications", "A-1")  # claimed again: moves to the newest, not duplicated
    assert guest.owns(mine, "applications", "A-1") and not guest.owns(other, "applications", "A-1")
    assert not guest.owns(mine, "payments", "A-1")
    assert guest.owned(mine, "applications") == ["A-2", "A-1"] and guest.owned(other, "applications") == []


def test_without_a_session_nothing_is_owned():
    actor = Actor.system("task")
    guest.claim(actor, "applications", "A-1")
    assert not guest.owns(actor, "applications", "A-1") and guest.owned(actor, "applications") == []


def test_a_guest_session_keeps_only_the_newest_claims():
    actor = Actor.anonymous(session={})
    for number in range(guest.KEEP + 5):
        guest.claim(actor, "checklists", number)
    owned = guest.owned(actor, "checklists")
    assert len(owned) == guest.KEEP and owned[-1] == str(guest.KEEP + 4) and not guest.owns(actor, "checklists", 0)
