"""Lifecycles of the catalog, one table each: a dataset's publication state and a file version's load.

Staff (or a service token, or the system for demo loads) publish and withdraw datasets; which staff
member may is `permissions.py`. Only the loader (the system) moves a version through its load.
"""

from smartkoto.core import workflow
from smartkoto.core.workflow import SERVICE, STAFF, SYSTEM, Workflow

from .models import Dataset, ResourceFile

D, L = Dataset.State, ResourceFile.Load
EDITORS = {STAFF, SERVICE, SYSTEM}

DATASET = workflow.register(Workflow("opendata dataset", {
    (D.DRAFT, D.PUBLISHED): EDITORS,
    (D.PUBLISHED, D.DRAFT): EDITORS,          # taken off the public catalog, kept for editing
    (D.DRAFT, D.WITHDRAWN): EDITORS,
    (D.PUBLISHED, D.WITHDRAWN): EDITORS,
    (D.WITHDRAWN, D.DRAFT): EDITORS,
}, field="state"), states=D.values)

LOAD = workflow.register(Workflow("opendata file load", {
    (L.QUEUED, L.LOADING): SYSTEM,
    (L.LOADING, L.LOADING): SYSTEM,           # the task runs again after an interrupted load
    (L.LOADING, L.NONE): SYSTEM,              # not tabular: live as it is
    (L.LOADING, L.LOADED): SYSTEM,
    (L.LOADING, L.FAILED): SYSTEM,
    (L.LOADING, L.REJECTED): SYSTEM,
}, field="load_state"), states=L.values)
