"""The digital guide through the real server (`smartkoto serve`, own data folder, Koto demo data):

- p50 answer time as a ratio of /healthz: p50(/healthz) ÷ p50(answer), one client at a time (goal ≥ 0.2×,
  i.e. an answer takes at most five times the floor); throughput ratios with 8 clients as in the other benches;
- memory the engine adds to a web worker: the server's resident memory before the first question and after
  the index is built and 200 questions were answered.

Answers are asked as the inline panel asks them (`/guide/?q=…&fragment=1`); the JSON API is rate limited per
client (60 a minute), so it is timed on 50 questions only.

    python bench/bench_guide.py [--quick]
"""

import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

import requests
from common import Server, measure, report

QUESTIONS = ["粗大ごみ 出し方", "住民票ほしい", "引っ越してきた 何をすればいい", "子どもが生まれたら手当もらえる？",
             "国保に入りたい", "how do I get a certificate of residence", "保育園 申し込み", "犬の登録", "住民税 払い方",
             "燃やすごみ 何曜日", "マイナンバーカード 受け取り", "介護保険 申請"]


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def p50(url_for, count):
    session = requests.Session()
    times = []
    for n in range(count):
        started = time.perf_counter()
        response = session.get(url_for(n), timeout=30)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} for {url_for(n)}")
    return statistics.median(times)


def answer_url(server, path="/guide/?fragment=1&q="):
    return lambda n: server.url(path + quote(QUESTIONS[n % len(QUESTIONS)]))


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    seconds, count = (2.0, 100) if quick else (5.0, 300)
    with Server() as server:
        before = rss_kib(server.process.pid)
        started = time.perf_counter()
        requests.get(answer_url(server)(0), timeout=300).raise_for_status()
        print(f"first question after start (builds the index): {time.perf_counter() - started:.1f} s")
        floor_p50 = p50(lambda n: server.url("/healthz"), count)
        answer_p50 = p50(answer_url(server), count)
        after = rss_kib(server.process.pid)
        api_p50 = p50(answer_url(server, "/api/guide/answers?q="), 50)
        print(f"/healthz p50 {floor_p50 * 1000:.1f} ms; answer (panel) p50 {answer_p50 * 1000:.1f} ms "
              f"= {floor_p50 / answer_p50:.2f} × floor (goal ≥ 0.2×); API p50 {api_p50 * 1000:.1f} ms = {floor_p50 / api_p50:.2f} × floor")
        print(f"server resident memory: {before / 1024:.1f} MiB before the first question, {after / 1024:.1f} MiB after "
              f"{count} answers: the engine adds {(after - before) / 1024:.1f} MiB to the worker")
        floor = measure(server.url("/healthz"), seconds=seconds)
        report("/healthz (floor)", floor, floor)
        urls = answer_url(server)
        report("guide answer (panel fragment), 8 clients", measure(lambda session, n: session.get(urls(n), timeout=30), seconds=seconds), floor)
