"""The guide's pages: the panel on every public page (a plain GET form), the answers page in ja / en / やさしい日本語,
👍/👎 (POST with CSRF), and the staff FAQ pages with their error summary."""

import pytest
from django.urls import reverse

from smartkoto.core.roles import Role
from smartkoto.guide.models import Entry, Question

pytestmark = pytest.mark.django_db


def test_every_public_page_has_the_guide_panel_as_a_plain_get_form(client, faq):
    html = client.get("/").content.decode()
    assert 'data-guide-panel' in html and 'action="/guide/"' in html and 'method="get"' in html and 'name="q"' in html


def test_staff_pages_have_no_guide_panel(staff_client):
    assert "data-guide-panel" not in staff_client.get(reverse("guide_staff:entries")).content.decode()


def test_answers_page_answers_in_japanese(client, faq):
    html = client.get("/guide/", {"q": "粗大ごみ 出し方"}).content.decode()
    assert "粗大ごみは事前の申込みが必要です。" in html and 'data-ref="faq:seiso-sodai-gomi-moshikomi"' in html
    assert 'name="vote" value="down"' in html and "csrfmiddlewaretoken" in html


def test_answers_page_answers_in_english_and_easy_japanese(client, faq):
    english = client.get("/en/guide/", {"q": "oversized waste"}).content.decode()
    assert "Book oversized waste collection first" in english
    easy = client.get("/guide/", {"q": "粗大ごみ 出し方", "easy": "1"}).content.decode()
    assert "大きい ごみは さきに もうしこみます。" in easy


def test_unknown_question_says_it_does_not_know_and_where_to_ask(client, faq):
    html = client.get("/guide/", {"q": "明日の天気は？"}).content.decode()
    assert 'data-testid="guide-dont-know"' in html and "03-3647-9111" in html and reverse("appointments:index") in html
    assert Question.objects.filter(kind=Question.Kind.UNANSWERED).count() == 1


def test_empty_and_too_long_questions_get_the_error_summary_and_keep_the_text(client, faq):
    response = client.get("/guide/", {"q": ""})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    long = "ごみ" * 101
    html = client.get("/guide/", {"q": long}).content.decode()
    assert "error-summary" in html and long in html


def test_fragment_is_the_answers_only_for_the_inline_panel(client, faq):
    html = client.get("/guide/", {"q": "住民票", "fragment": "1"}).content.decode()
    assert html.lstrip().startswith("<section") and "<html" not in html


def test_thumbs_down_needs_csrf_and_logs_the_question(faq):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("guide:rate"), {"q": "住民票", "ref": "faq:kumin-juminhyo-torikata", "vote": "down"}).status_code == 403
    response = Client().post(reverse("guide:rate"), {"q": "住民票", "ref": "faq:kumin-juminhyo-torikata", "vote": "down"})
    assert response.status_code == 302 and response["Location"].startswith("/guide/?q=")
    assert Question.objects.get().result == "faq:kumin-juminhyo-torikata"


def test_rating_never_redirects_to_another_site(client, faq):
    response = client.post(reverse("guide:rate"), {"q": "x", "ref": "faq:x", "vote": "up", "next": "https://evil.example/"})
    assert "evil.example" not in response["Location"]


def test_public_entry_page(client, faq):
    html = client.get(reverse("guide:entry", args=["kumin-tennyu-todoke"])).content.decode()
    assert "転入届は住み始めてから14日以内" in html and reverse("procedures:detail", args=["tennyu"]) in html


# -- staff -------------------------------------------------------------------------------------------
@pytest.fixture
def clerk(client, make_staff, staff_login, faq):
    return staff_login(client, make_staff("kumin-clerk", "kumin", Role.COUNTER_CLERK))


def test_staff_form_errors_are_summarised_and_the_typed_text_kept(clerk):
    response = clerk.post(reverse("guide_staff:new"), {"key": "Seiso Bad", "department": "seiso", "question_0": "質問です",
                                                       "links": "procedure:no-such-thing"})
    html = response.content.decode()
    assert response.status_code == 200 and "error-summary" in html and "質問です" in html
    assert "Enter the English text." in html or "英語" in html
    assert not Entry.objects.filter(question__ja="質問です").exists()


def test_staff_answer_a_logged_question_from_the_queue(clerk):
    from smartkoto.guide import services

    question = services.log_unanswered("マンホールのふたがずれている", language="ja", client="x")
    queue = clerk.get(reverse("guide_staff:queue")).content.decode()
    assert "マンホールのふたがずれている" in queue
    form = clerk.get(reverse("guide_staff:new") + f"?question={question.pk}").content.decode()
    assert "マンホールのふたがずれている" in form
    response = clerk.post(reverse("guide_staff:new"), {
        "question_id": question.pk, "key": "kumin-manhole", "department": "kumin", "question_0": "マンホールのふたがずれています",
        "question_1": "A manhole cover is loose", "answer_0": "道路の担当にお知らせください。", "answer_1": "Tell the roads office.",
        "keywords": "マンホール、ふた", "links": "procedure:tennyu", "review_by": "2027-04-01", "published": "on"})
    assert response.status_code == 302
    entry = Entry.objects.get(key="kumin-manhole")
    assert entry.keywords == ["マンホール", "ふた"] and entry.links == [{"procedure": "tennyu"}]
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED and question.entry == entry
    assert "マンホールのふたがずれている" not in clerk.get(reverse("guide_staff:queue")).content.decode()


def test_staff_cannot_open_another_departments_entry_for_editing_by_post(clerk):
    response = clerk.post(reverse("guide_staff:edit", args=["seiso-moyasu-gomi"]), {})
    assert response.status_code == 403
