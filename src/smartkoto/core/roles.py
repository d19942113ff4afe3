"""Staff roles (職員の役割). The only place role names are written; everything else uses `Role`.

Counter clerks, case workers and department managers act in their own departments. DX administrators
administer settings across departments; auditors read across departments and never write.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTER_CLERK = "counter_clerk", _("counter clerk")
    CASE_WORKER = "case_worker", _("case worker")
    DEPARTMENT_MANAGER = "department_manager", _("department manager")
    DX_ADMIN = "dx_admin", _("DX administrator")
    AUDITOR = "auditor", _("auditor")


DEPARTMENT_ROLES = (Role.COUNTER_CLERK, Role.CASE_WORKER, Role.DEPARTMENT_MANAGER)
"""Roles that act only inside the departments they are members of."""

CASE_ROLES = (Role.CASE_WORKER, Role.DEPARTMENT_MANAGER)
"""Roles that decide cases and handle money in their own department."""
