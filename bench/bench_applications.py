"""Catalog pages and application submissions through the real server (`smartkoto serve`, own data folder),
each as a ratio of /healthz measured in the same run.

A "submission" is the whole guest flow for 粗大ごみ (sodai-gomi): start page, start, two steps, declaration
(6 HTTP requests); its ratio is submissions per second ÷ /healthz requests per second.

    python bench/bench_applications.py [--quick]
"""

import re
import sys

from common import Server, measure, report

APPLICANT = {"full_name": "性能 試験", "full_name_kana": "セイノウ シケン", "phone": "03-3647-9111", "email": "bench@example.jp",
             "birth_date": "1980-01-01", "postal_code": "135-0016", "address": "東京都江東区東陽四丁目"}
WASTE = {"item_size": "small", "item_name": "椅子", "collection_date": "2026-12-10", "apartment": "no"}


def submission(server):
    def submit(session, n):
        start = server.url("/applications/start/sodai-gomi/")
        session.get(start, timeout=30)
        token = session.cookies.get("csrftoken")
        response = session.post(start, data={"csrfmiddlewaretoken": token}, timeout=30, allow_redirects=False)
        base = re.match(r"(.*/applications/[0-9a-f-]+/)", response.headers["Location"]).group(1)
        base = base if base.startswith("http") else server.url(base)
        session.post(base + "step/applicant/", data={**APPLICANT, "csrfmiddlewaretoken": token}, timeout=30, allow_redirects=False)
        session.post(base + "step/waste/", data={**WASTE, "csrfmiddlewaretoken": token}, timeout=30, allow_redirects=False)
        public_id = base.rstrip("/").rsplit("/", 1)[1]
        final = session.post(base + "declaration/", data={"agree": "on", "submission": public_id, "csrfmiddlewaretoken": token},
                             timeout=30, allow_redirects=False)
        if final.status_code != 302 or not final.headers["Location"].endswith("/sent/"):
            raise RuntimeError(f"submission failed: {final.status_code}")
        return final

    return submit


if __name__ == "__main__":
    seconds = 2.0 if "--quick" in sys.argv else 5.0
    with Server() as server:
        floor = measure(server.url("/healthz"), seconds=seconds)
        report("/healthz (floor)", floor, floor)
        for label, path in [("catalog page (ja)", "/procedures/"), ("catalog search 住民 (ja)", "/procedures/?q=住民"),
                            ("catalog page (en)", "/en/procedures/"), ("procedure page", "/procedures/juminhyo/"),
                            ("online-ready share page", "/procedures/online-share/"), ("catalog API search", "/api/procedures/?q=転入")]:
            report(label, measure(server.url(path), seconds=seconds), floor)
        result = measure(submission(server), seconds=seconds * 2, clients=8)
        report("submission (guest, 6 requests each)", result, floor)
