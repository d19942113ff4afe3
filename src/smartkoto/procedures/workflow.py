"""The lifecycle of a form version (様式の版): a draft is published once and never edited afterwards.

The newest published version is live; older published versions stay as they were, so every
application keeps the exact form it used. Which staff member may publish is `permissions.py`.
"""

from smartkoto.core import workflow
from smartkoto.core.workflow import STAFF, SYSTEM, Workflow

from .models import FormVersion

S = FormVersion.Status

FORM_VERSION = workflow.register(Workflow("procedure form version", {
    (S.DRAFT, S.PUBLISHED): {STAFF, SYSTEM},
}), states=S.values)
