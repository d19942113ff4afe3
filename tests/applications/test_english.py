"""English pages show no Japanese UI text: only content that is Japanese by nature (answers, names, addresses,
example search words) may appear."""

import re

import pytest

from .conftest import JUMINHYO

pytestmark = pytest.mark.django_db
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")


def ui_text(html):
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<dd[^>]*>.*?</dd>", "", main, flags=re.S)  # answers and facts
    main = re.sub(r'(value|data-[a-z-]+|href)="[^"]*"', "", main)
    main = re.sub(r'<p class="dads-hint" id="id_q-hint">.*?</p>', "", main, flags=re.S)  # example search words
    main = re.sub(r'<option value="[^"]*"[^>]*>[^<]*</option>', "", main)
    return re.sub(r"<[^>]+>", " ", main)


def test_english_pages_have_no_japanese_ui_text(resident_client, catalog, apply, case_worker):
    application = apply(resident_client, "juminhyo", JUMINHYO)
    pages = {
        "catalog": resident_client.get("/en/procedures/"),
        "procedure": resident_client.get("/en/procedures/juminhyo/"),
        "online share": resident_client.get("/en/procedures/online-share/"),
        "start": resident_client.get("/en/applications/start/kokuho-kanyu/"),
        "sent": resident_client.get(f"/en/applications/{application.public_id}/sent/"),
        "detail": resident_client.get(f"/en/applications/{application.public_id}/"),
        "mine": resident_client.get("/en/applications/"),
        "inbox": case_worker.get("/en/staff/cases/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = ui_text(response.content.decode())
        text = text.replace(application.reference, "")
        found = JAPANESE.findall(text)
        # the inbox and the detail page list answers and names in table cells / headings: drop those cells
        if name in ("inbox",):
            text = re.sub(r"<td>.*?</td>", "", response.content.decode().split('<main id="main"', 1)[1], flags=re.S)
            found = JAPANESE.findall(ui_text('<main id="main"' + text))
        if name in ("detail",):
            found = JAPANESE.findall(re.sub(r"<h3>.*?</h3>", "", text))
        assert not found, f"{name}: {''.join(found)[:80]}"


def test_the_check_itself_sees_japanese_on_japanese_pages(client, catalog):
    assert JAPANESE.findall(ui_text(client.get("/procedures/juminhyo/").content.decode()))
