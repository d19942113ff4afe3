"""Machine-readable layouts of the national standard datasets (自治体標準オープンデータセット).

`registry.get("aed:current")` → a `Schema`; `registry.choices()` for forms. Each family module
declares its layouts as data with `base.layout(...)`; adding a dataset type adds data, not code.
"""

from . import registry  # noqa: F401
from .registry import all_schemas, choices, get  # noqa: F401
