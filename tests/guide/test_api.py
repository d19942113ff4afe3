"""GET /api/guide/answers: the contract, bad input as 400 problem JSON (never 5xx), the OpenAPI entry, the rate limit."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/guide/answers"


def test_answers_are_listed_best_first_with_the_contract_fields(client, faq):
    response = client.get(URL, {"q": "粗大ごみ 出し方", "lang": "ja"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"answers", "confident"} and body["confident"] is True
    first = body["answers"][0]
    assert set(first) == {"title", "url", "score", "procedure"}
    assert first["title"] == "粗大ごみはどうやって出せばいいですか？"
    assert first["procedure"] == "sodai-gomi" and first["url"].endswith("/guide/faq/seiso-sodai-gomi-moshikomi/")
    scores = [a["score"] for a in body["answers"]]
    assert scores == sorted(scores, reverse=True) or body["answers"][0]["score"] >= 0


def test_english_titles_and_links_for_lang_en(client, faq):
    body = client.get(URL, {"q": "certificate of residence", "lang": "en"}).json()
    assert body["answers"][0]["title"] == "Where can I get a certificate of residence?"
    assert "/en/" in body["answers"][0]["url"]


def test_out_of_scope_question_is_not_confident_and_is_logged_redacted(client, faq):
    from smartkoto.guide.models import Question

    body = client.get(URL, {"q": "明日の天気は？ taro@example.jp 090-1234-5678"}).json()
    assert body["confident"] is False
    logged = Question.objects.get()
    assert logged.kind == Question.Kind.UNANSWERED
    assert "example.jp" not in logged.text and "5678" not in logged.text and "天気" in logged.text


@pytest.mark.parametrize("params, field", [
    ({}, "q"), ({"q": ""}, "q"), ({"q": "   "}, "q"), ({"q": "あ" * 201}, "q"), ({"q": "ごみ\x00"}, "q"),
    ({"q": "ごみ", "lang": "fr"}, "lang"),
])
def test_bad_input_is_a_400_problem(client, faq, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    if "\x00" not in params.get("q", ""):  # a NUL is refused for every address before any view
        assert field in response.json()["errors"]


def test_a_question_given_twice_is_refused(client, faq):
    response = client.get(URL + "?q=ごみ&q=いぬ")
    assert response.status_code == 400 and "q" in response.json()["errors"]


def test_post_is_not_offered(client, faq):
    assert client.post(URL, {"q": "ごみ"}).status_code == 405


def test_the_api_is_in_the_openapi_document(client):
    document = client.get("/api/schema").json()
    operation = document["paths"]["/api/guide/answers"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "lang"}
    assert "GuideAnswers" in document["components"]["schemas"]


def test_too_many_questions_from_one_client_get_429(client, faq, monkeypatch):
    from smartkoto.guide import api

    monkeypatch.setattr(api, "REQUESTS_PER_MINUTE", 2)
    assert [client.get(URL, {"q": "ごみ"}).status_code for _ in range(3)] == [200, 200, 429]
