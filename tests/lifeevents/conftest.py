import pytest
from django.urls import reverse


@pytest.fixture
def demo(koto):
    """The procedures catalog and the life events over it, as `smartkoto run` loads them."""
    from smartkoto.lifeevents import demo as lifeevents_demo
    from smartkoto.procedures import demo as procedures_demo

    procedures_demo.load()
    lifeevents_demo.load()


MOVE_IN = {"event_date": "2026-04-01", "household": "3", "has_child": "yes", "nursery": "yes", "insurance": "kokuho",
           "has_dog": "no", "bicycle": "no"}
BUNDLED = ["kokuho-kanyu", "nenkin-shutoku", "jido-teate", "kodomo-iryo", "hoiku-nyuen"]
SHARED = {"full_name": "江東 花子", "full_name_kana": "コウトウ ハナコ", "birth_date": "1988-04-12", "postal_code": "135-0016",
          "address": "東京都江東区東陽四丁目2番1号", "phone": "03-3647-9111", "email": "hanako@example.jp", "event_date": "2026-04-01",
          "previous_address": "神奈川県川崎市中原区1-2-3", "details": "", "bank_name": "江東銀行", "branch_name": "東陽支店", "account_number": "1234567"}
CHILD = {"rows": "1", "r0-child_name": "江東 太郎", "r0-child_kana": "コウトウ タロウ", "r0-child_birth": "2023-05-05"}


@pytest.fixture
def walk_bundle():
    """Send a bundle through every page with the client: shared details, the shared child group, then each
    procedure's own pages (left empty where optional). Returns the last response."""

    def walk(client, checklist, procedures=BUNDLED, shared=SHARED, child=CHILD):
        from django.urls import reverse

        response = client.post(reverse("lifeevents:start_bundle", args=[checklist.public_id]), {"procedures": procedures})
        assert response.status_code == 302, response.content[:2000]
        url = response["Location"]
        for _ in range(20):
            if "/check/" in url:
                break
            if url.endswith("/shared/"):
                data = shared
            elif "/group-children/" in url:
                data = child
            elif "--members/" in url:
                data = {"rows": "1"}
            else:
                data = {}
            response = client.post(url, data)
            assert response.status_code == 302, (url, response.content.decode()[:3000])
            url = response["Location"]
        return client.post(url, {"agree": "on"})

    return walk


@pytest.fixture
def pre_entry(client, demo, resident):
    """A resident pre-enters 転入届 from the checklist and gets a code."""
    from smartkoto.lifeevents.models import Checklist, PreEntry

    client.force_login(resident)
    client.post(reverse("lifeevents:questions", args=["tennyu"]), MOVE_IN)
    checklist = Checklist.objects.get()
    response = client.post(reverse("lifeevents:pre_entry_start", args=["tennyu"]), {"checklist": str(checklist.public_id)})
    entry = PreEntry.objects.get()
    url = response["Location"]
    assert url.endswith("/step/applicant/")
    page = client.get(url).content.decode()
    assert 'value="江東 花子"' in page  # prefilled from the card sign-in
    client.post(url, {"full_name": "江東 花子", "full_name_kana": "コウトウ ハナコ", "birth_date": "1988-04-12", "postal_code": "135-0016",
                      "address": "東京都江東区東陽四丁目2番1号", "phone": "03-3647-9111", "email": ""})
    event_page = client.get(reverse("lifeevents:pre_entry_step", args=[entry.public_id, "event"])).content.decode()
    assert 'value="2026-04-01"' in event_page  # the move date from the checklist
    client.post(reverse("lifeevents:pre_entry_step", args=[entry.public_id, "event"]),
                {"event_date": "2026-04-01", "previous_address": "神奈川県川崎市中原区1-2-3", "details": ""})
    client.post(reverse("lifeevents:pre_entry_step", args=[entry.public_id, "members"]),
                {"rows": "1", "r0-member_name": "江東 太郎", "r0-member_kana": "コウトウ タロウ", "r0-member_birth": "2023-05-05", "r0-member_relation": "child"})
    response = client.post(reverse("lifeevents:pre_entry_check", args=[entry.public_id]))
    assert response["Location"] == reverse("lifeevents:pre_entry_code", args=[entry.public_id])
    code_page = client.get(response["Location"]).content.decode()
    assert "<svg" in code_page
    entry.refresh_from_db()
    assert entry.status == "ready" and entry.fields_saved >= 10
    code = client.session["lifeevents_codes"][str(entry.public_id)]
    return entry, code
