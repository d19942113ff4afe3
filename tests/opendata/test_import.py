"""The chunked import stores exactly what the row-by-row reading of the same file gives: every row, every typed
value and search key, the same validation report whatever the chunk size, progress committed as it goes."""

import csv
import hashlib
import io
import json
import random

import pytest

from smartkoto.core.actor import Actor
from smartkoto.core.text import normalize
from smartkoto.opendata import datastore, services, tabular
from smartkoto.opendata.models import DatastoreRow, ResourceFile

SYSTEM = Actor.system("tests")

TOWNS = ["東陽", "木場", "豊洲", "ｶﾒｲﾄﾞ", "大島", "キタスナ", "ＭＩＮＡＭＩ", "清澄"]
ODD = ["", " ", "前後に空白 ", "改行\nを含む", 'ダブル"クォート', "カンマ,入り", "バック\\スラッシュ", "タブ\tあり",
       "\ue000私用領域", "か\u3099", "\u3099結合文字", "ｶﾞｷﾞ", "制御\x01文字", "ΑΣ", "ﬁ"]


def _csv_text(rows, seed=11):
    """A file with every kind of column: ids, text with odd values, ints (one with an empty cell), decimals,
    codes with leading zeros, a column that turns to text late, and blank lines in between."""
    rnd = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["ID", "名称", "町名", "人数", "緯度", "コード", "備考", "後で文字"])
    for n in range(1, rows + 1):
        writer.writerow([
            f"K{n:08d}", f"{rnd.choice(TOWNS)}施設{n}", rnd.choice(TOWNS), "" if n % 97 == 0 else str(rnd.randint(-5, 5000)),
            f"{35.6 + rnd.random() / 10:.6f}", f"{n % 1000:04d}", rnd.choice(ODD) if n % 5 == 0 else "",
            "文字" if n == rows - 1 else str(n),
        ])
        if n % 4999 == 0:
            out.write(",,,,,,,\r\n\r\n")  # blank records: skipped, but they count in line numbers
    return out.getvalue()


def _expected(text):
    """Rows as the row-by-row reading gives them (csv module, TypeGuesser per row, tabular.typed, fast_normalize)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = [h.strip() for h in next(reader)]
    rows = [cells for cells in reader if any(c.strip() for c in cells)]
    guesser = tabular.TypeGuesser(header)
    for cells in rows:
        guesser(0, cells)
    types = guesser.types()
    stored = []
    for number, cells in enumerate(rows, start=1):
        data = {name: value for name, kind, cell in zip(header, types, cells) if (value := tabular.typed(cell, kind)) is not None}
        stored.append((number, data, datastore.fast_normalize(" ".join(cells))))
    return dict(zip(header, types)), stored


def _checksum(rows):
    digest = hashlib.sha256()
    for number, data, search_text in rows:
        digest.update(json.dumps([number, data, search_text], ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


@pytest.mark.django_db(transaction=True)
def test_a_20000_row_import_stores_exactly_the_rows(make_dataset):
    text = _csv_text(20_003)  # two chunks, and past the size that gets SQLite indexes
    kinds, expected = _expected(text)
    assert kinds == {"ID": "text", "名称": "text", "町名": "text", "人数": "int", "緯度": "numeric", "コード": "text",
                     "備考": "text", "後で文字": "text"}
    _ds, resource = make_dataset()
    version = services.upload(resource, "big.csv", text.encode("utf-8"), actor=SYSTEM, run_now=True)
    resource.refresh_from_db()
    assert version.load_state == ResourceFile.Load.LOADED and resource.datastore_version_id == version.pk
    assert version.rows_total == version.rows_loaded == len(expected) == 20_003
    assert {f["id"]: f["type"] for f in resource.datastore_fields} == kinds
    stored = [(r.row_number, r.data, r.search_text)
              for r in DatastoreRow.objects.filter(version=version).order_by("row_number")]
    assert len(stored) == len(expected)
    assert stored[:50] == expected[:50]
    assert _checksum(stored) == _checksum(expected)
    found = datastore.search(resource, {"filters": {"ID": "K00012345"}})
    assert found["total"] == 1 and found["records"][0]["_id"] == expected[12344][0]
    assert datastore.search(resource, {"q": "かめいど", "limit": 0})["total"] == sum("かめいど" in row[2] for row in expected)


@pytest.mark.django_db(transaction=True)
def test_shift_jis_and_bom_files_store_the_same_rows(make_dataset):
    text = "名称,人数\n江東区役所,1\nｶﾒｲﾄﾞ図書館,20\n"
    stored = []
    for data in (text.encode("cp932"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        _ds, resource = make_dataset(name=f"enc-{len(stored)}")
        version = services.upload(resource, "f.csv", data, actor=SYSTEM, run_now=True)
        stored.append(list(DatastoreRow.objects.filter(version=version).order_by("row_number").values_list("data", "search_text")))
    assert stored[0] == stored[1] == [({"名称": "江東区役所", "人数": 1}, "江東区役所1"), ({"名称": "ｶﾒｲﾄﾞ図書館", "人数": 20}, "かめいど図書館20")]


@pytest.mark.django_db(transaction=True)
def test_progress_is_committed_with_each_chunk(make_dataset, monkeypatch):
    _ds, resource = make_dataset()
    monkeypatch.setattr(datastore, "BATCH", 3)
    seen = []
    for name in ("_copy_chunk", "_executemany_chunk"):
        real = getattr(datastore, name)

        def write(version_id, first, data, search_text, real=real):
            seen.append((first, ResourceFile.objects.get(pk=version_id).rows_loaded, len(data)))
            return real(version_id, first, data, search_text)

        monkeypatch.setattr(datastore, name, write)
    version = services.upload(resource, "p.csv", ("名称\n" + "".join(f"施設{n}\n" for n in range(8))).encode(), actor=SYSTEM, run_now=True)
    assert seen == [(1, 0, 3), (4, 3, 3), (7, 6, 2)]
    assert version.rows_loaded == 8


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_the_report_is_the_same_whatever_the_chunk_size(size, monkeypatch):
    header = "全国地方公共団体コード,ID,地方公共団体名,名称,緯度,経度,電話番号,郵便番号,設置台数"
    body = ["131083,A1,江東区,東陽公園,35.67,139.81,03-1234-5678,135-0016,1",
            "131083,A1,江東区,重複ID,35.67,139.81,03-1234-5678,135-0016,2",  # duplicate id
            "",
            "13108,A2,江東区,旧コード,35.67,139.81,03-1234-5678,1350016,x",  # 5-digit code, int in error
            "131083,A3,江東区,,10.0,139.81,03,135-0016,3",  # required name empty, outside Japan, short phone
            "131083,A4,江東区,列が足りない",  # ragged
            "131083,Ａ5,江東区,全角ID,35.67,139.81,03-1234-5678,１３５-００１６,４"]
    data = (header + "\n" + "\n".join(body) + "\n").encode()
    whole = tabular.validate(data, "CSV", "aed:current", infer_types=True)
    monkeypatch.setattr(tabular, "CHUNK_ROWS", size)
    chunked = tabular.validate(data, "CSV", "aed:current", infer_types=True)
    assert chunked.as_dict() == whole.as_dict() and chunked.types == whole.types
    assert [(i["code"], i["row"]) for i in whole.issues if i["row"]] == [
        ("duplicate_id", 3), ("lgcode_five_digit", 5), ("required_empty", 6), ("coordinate_outside_japan", 6), ("phone", 6),
        ("ragged", 7), ("id_format", 8)]


@pytest.mark.parametrize("size", [1, 4, 1000])
def test_max_rows_and_bad_quoting_stop_at_the_same_row_whatever_the_chunk_size(size, monkeypatch):
    data = b'a,b\n1,2\n3,4\n5,6\n7,8\n"9,10\n11,12\n'
    monkeypatch.setattr(tabular, "CHUNK_ROWS", size)
    assert tabular.validate(data, "CSV", max_rows=3).as_dict()["counts"] == {"too_many_rows": 1}
    quoting = tabular.validate(data, "CSV")
    assert quoting.rows == 4 and quoting.counts["bad_quoting"] == 1 and quoting.fatal


COLUMNS = [
    ["1", "2", " 3 ", "-0", "007", ""], ["1", "2.5", "3"], ["1", "x"], ["1.5", "2", "-3.25"], ["", " ", ""],
    ["12345678901234567", "1"], ["1\n2", "3"], ["１２", "3"], ["1２", "3"], ["1,000"], ["0", "-1"], ["1e5"],
]


@pytest.mark.parametrize("column", COLUMNS)
def test_type_inference_by_column_equals_value_by_value(column):
    by_row, by_chunk = tabular.TypeGuesser(["c"]), tabular.TypeGuesser(["c"])
    for cell in column:
        by_row(0, [cell])
    by_chunk.observe([[cell] for cell in column])
    assert by_chunk.types() == by_row.types()


@pytest.mark.parametrize("kind", ["int", "numeric", "text"])
@pytest.mark.parametrize("column", COLUMNS + [["nan", "1"], ["inf"], ["35.600001", "139.75"], ['"q"', "\\", "\x01", "ΑΣ"]])
def test_json_members_equal_the_json_of_each_typed_value(kind, column):
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    expected = [dumps({"列": value})[1:-1] if (value := tabular.typed(cell, kind)) is not None else "" for cell in column]
    assert datastore.json_members("列", kind, column) == expected


TEXTS = ["東陽 公園", "ｶﾞｷﾞ", "か", "\u3099で始まる", "ΑΣ ΑΣ", "ﬁ", "\ue000私用", "タブ\tと\u3000全角空白", "Straße", "①②"]


def test_search_keys_equal_the_shared_normaliser_row_by_row():
    for texts in (TEXTS, TEXTS[:3], [t for t in TEXTS if "\ue000" not in t], ["a"], [""]):
        assert datastore.search_keys(texts) == [normalize(t) for t in texts] == [datastore.fast_normalize(t) for t in texts]


def test_a_large_file_is_read_in_blocks_not_whole():
    data = ("名称,人数\n" + "".join(f"施設{n},{n}\n" for n in range(200_000))).encode()
    reads = []

    class Recording(io.BytesIO):
        def read(self, size=-1):
            reads.append(size)
            return super().read(size)

        def read1(self, size=-1):
            reads.append(size)
            return super().read1(size)

    report = tabular.validate(lambda: Recording(data), "CSV", infer_types=True)
    assert report.rows == 200_000 and report.types == ["text", "int"] and len(data) > 2 * tabular.BLOCK
    assert reads and all(0 <= size <= tabular.BLOCK for size in reads)
