"""Validation of uploads against the national standard layouts: the real Koto files and bad input."""

import pytest

from smartkoto.opendata import messages, tabular
from smartkoto.opendata.schemas import base, registry

PLAN_DATASETS = {"public_facility", "cultural_property", "population", "childcare", "opendata_list", "aed", "care_service",
                 "tourism", "event", "public_toilet"}


def test_registry_has_both_generations_of_the_nine_plan_datasets_and_public_toilets():
    ids = {s.id for s in registry.all_schemas()}
    for family in PLAN_DATASETS:
        assert f"{family}:current" in ids and f"{family}:legacy" in ids


def test_current_layouts_start_with_the_current_leading_columns_and_split_address():
    for schema in registry.all_schemas():
        if schema.generation == "current":
            assert schema.column_names[0] == "全国地方公共団体コード"
            assert "ID" in schema.column_names or schema.family == "population"  # population rows are keyed by 地域コード
            if "所在地_連結表記" in schema.column_names:
                assert "住所" not in schema.column_names
        else:
            assert schema.column_names[0] == "都道府県コード又は市区町村コード"


def test_check_digit_of_koto_code_is_3():
    assert base.check_digit("13108") == "3"
    assert base.check("lgcode", "131083") == (None, {})
    assert base.check("lgcode", "131084")[0] == "lgcode_check_digit"
    assert base.check("lgcode", "13108") == ("lgcode_five_digit", {"expected": "131083"})


def test_real_koto_aed_file_validates_clean_against_current_aed_layout(demo_file):
    report = tabular.validate(demo_file("koto_131083_aed_standard.csv"), "CSV", "aed:current").as_dict()
    assert report["rows"] == 246
    assert report["errors"] == 0, report["issues"][:5]
    assert report["warnings"] == 0
    assert report["columns"] == registry.get("aed:current").column_names


def test_real_koto_parks_file_validates_clean_against_older_public_facility_layout(demo_file):
    report = tabular.validate(demo_file("koto_131083_public_facility_17_parks_legacy.csv"), "CSV", "public_facility:legacy").as_dict()
    assert report["rows"] == 171
    assert report["errors"] == 0, report["issues"][:5]
    # Koto's own extra columns (郵便番号, アクセス方法, …) are noted, not errors.
    assert set(report["counts"]) == {"unknown_column"}


def test_file_with_five_digit_local_government_code_is_flagged(demo_file):
    report = tabular.validate(demo_file("koto_131083_public_facility_10_nurseries_legacy.csv"), "CSV", "public_facility:legacy").as_dict()
    assert report["counts"]["lgcode_five_digit"] == 44
    assert not report["ok"]
    issue = next(i for i in report["issues"] if i["code"] == "lgcode_five_digit")
    assert issue["row"] == 2 and issue["value"] == "13108" and issue["params"]["expected"] == "131083"


def test_report_messages_read_in_japanese_and_english(demo_file):
    report = tabular.validate(demo_file("koto_131083_public_facility_10_nurseries_legacy.csv"), "CSV", "public_facility:legacy").as_dict()
    issue = next(i for i in report["issues"] if i["code"] == "lgcode_five_digit")
    en = messages.described({"issues": [issue]}, "en")[0]["message"]
    ja = messages.described({"issues": [issue]}, "ja")[0]["message"]
    assert "5-digit" in en and "131083" in en
    assert "5桁" in ja and "131083" in ja


CURRENT_HEADER = "全国地方公共団体コード,ID,地方公共団体名,名称,所在地_連結表記,設置位置,緯度,経度,開始時間,小児対応設備の有無\n"


@pytest.mark.parametrize("row, code, column", [
    ("131084,A1,江東区,X,東京都江東区,1階,35.6,139.8,08:00,有", "lgcode_check_digit", "全国地方公共団体コード"),
    ("131083,A1,江東区,X,東京都江東区,1階,5.6,139.8,08:00,有", "coordinate_outside_japan", "緯度"),
    ("131083,A1,江東区,X,東京都江東区,1階,35.6,139.8,8時,有", "time_format", "開始時間"),
    ("131083,A1,江東区,X,東京都江東区,1階,35.6,139.8,08:00,あり", "yesno", "小児対応設備の有無"),
    ("131083,A1,江東区,,東京都江東区,1階,35.6,139.8,08:00,有", "required_empty", "名称"),
])
def test_value_problems_are_reported_with_row_and_column(row, code, column):
    report = tabular.validate((CURRENT_HEADER + row + "\n").encode(), "CSV", "aed:current").as_dict()
    found = [i for i in report["issues"] if i["code"] == code]
    assert found and found[0]["row"] == 2 and found[0]["column"] == column


def test_duplicate_id_names_the_first_row():
    body = CURRENT_HEADER + "131083,A1,江東区,X,東京都江東区,1階,35.6,139.8,08:00,有\n" * 2
    report = tabular.validate(body.encode(), "CSV", "aed:current").as_dict()
    dup = next(i for i in report["issues"] if i["code"] == "duplicate_id")
    assert dup["row"] == 3 and dup["params"]["other"] == 2


def test_missing_required_column_is_an_error():
    report = tabular.validate("全国地方公共団体コード,ID\n131083,1\n".encode(), "CSV", "aed:current").as_dict()
    assert {"column": "名称", "code": "missing_column"}.items() <= next(
        i for i in report["issues"] if i["column"] == "名称").items()


@pytest.mark.parametrize("encoding, prefix, expected", [
    ("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("cp932", b"", "cp932")])
def test_encodings_are_detected(encoding, prefix, expected):
    data = prefix + "名称,住所\n江東区役所,東陽4-11-28\n".encode(encoding)
    report = tabular.validate(data, "CSV")
    assert report.encoding == expected and report.rows == 1 and not report.fatal


def test_unknown_encoding_is_reported_not_guessed():
    data = "名称\n江東区役所\n".encode("euc-jp") + b"\x8e\xff\xff"
    report = tabular.validate(data, "CSV")
    assert report.fatal and "encoding_unknown" in report.counts


@pytest.mark.parametrize("data, code", [
    (b"a,b\n1,2\n3\n4,5,6\n", "ragged"),
    (b'a,b\n"1,2\n3,4\n', "bad_quoting"),
    (b'a,b\n1"x,2\n', None),
    (b"a,b\n1\x00\x00\x01,2\n", "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    (b"", "empty"),
])
def test_malformed_csv_gives_a_clear_report(data, code):
    report = tabular.validate(data, "CSV")
    if code is None:
        assert not report.fatal
    else:
        assert report.fatal and code in report.counts
        assert messages.describe(report.issues[0]) != report.issues[0]["code"]


def test_ragged_rows_are_all_listed_with_their_row_numbers():
    report = tabular.validate(b"a,b\n1,2\n3\n4,5,6\n7,8\n", "CSV")
    assert [(i["row"], i["params"]["found"]) for i in report.issues if i["code"] == "ragged"] == [(3, 1), (4, 3)]


def test_normalised_download_writes_standard_forms(demo_file):
    text = tabular.normalised_csv(demo_file("koto_131083_public_facility_10_nurseries_legacy.csv"), "CSV", "public_facility:legacy")
    first = text.splitlines()[1].split(",")
    assert first[0] == "131083"  # 5-digit code normalised explicitly
    assert first[17:19] == ["07:30", "19:30"]  # 7:30 → 07:30
    assert text.splitlines()[1].endswith("2020-03-30")  # 2020/3/30 → ISO


def test_older_public_toilet_file_converts_to_the_current_layout_and_validates(demo_file):
    text, notes = tabular.convert_to_current(demo_file("koto_131083_public_toilet_legacy.csv"), "CSV", "public_toilet:legacy")
    assert notes["target"] == "public_toilet:current"
    header = text.splitlines()[0].split(",")
    assert header == registry.get("public_toilet:current").column_names
    report = tabular.validate(text.encode(), "CSV", "public_toilet:current").as_dict()
    structural = {"lgcode_five_digit", "lgcode_check_digit", "missing_column", "time_format", "ragged"}
    assert not structural & set(report["counts"]), report["counts"]
    row = dict(zip(header, next(__import__("csv").reader(text.splitlines()[1:2]))))
    assert row["所在地_連結表記"] == "東京都江東区清澄2-14-9"
    assert row["バリアフリートイレ数"] == "1"  # renamed from 多機能トイレ数
    assert row["利用開始時間"] == "00:00"


def test_shift_jis_xlsx_and_csv_read_the_same_rows(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "緯度"])
    sheet.append(["江東区役所", 35.672854])
    path = tmp_path / "x.xlsx"
    book.save(path)
    report = tabular.validate(path.read_bytes(), "XLSX")
    assert report.encoding == "xlsx" and report.rows == 1 and not report.fatal
    header, rows = tabular.read_rows(path.read_bytes(), "XLSX")
    assert header == ["名称", "緯度"] and list(rows)[0][1] == ["江東区役所", "35.672854"]
