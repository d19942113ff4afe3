"""Population by area and age (地域・年齢別人口), five-year bands."""

from .base import layout
from .registry import register

BANDS = []
for start in range(0, 85, 5):
    BANDS += [f"{start}-{start + 4}歳の男性*", f"{start}-{start + 4}歳の女性*"]
BANDS += ["85歳以上の男性*", "85歳以上の女性*"]

LEGACY = ["都道府県コード又は市区町村コード*", "地域コード", "都道府県名", "市区町村名", "調査年月日*", "地域名*", "総人口*", "男性*",
          "女性*"] + BANDS + ["世帯数", "備考"]
CURRENT = ["全国地方公共団体コード*", "地域コード", "地方公共団体名", "調査年月日*", "地域名*", "総人口*", "男性*", "女性*"] + BANDS + [
    "不詳者の男性", "不詳者の女性", "世帯数", "備考"]

register(
    layout("population", "legacy", "地域・年齢別人口", "Population by area and age", LEGACY, theme="population"),
    layout("population", "current", "地域・年齢別人口", "Population by area and age", CURRENT, theme="population"),
)
