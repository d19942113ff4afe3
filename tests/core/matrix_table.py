"""The permission matrix (権限表): every staff/ and api/ URL, its access class, and who may GET/POST it.

ONE table states the target behaviour of issue 10 ("One door per app"). tests/core/test_permission_matrix.py
walks the URL configuration, fails on any staff/ or api/ URL missing here, and requests every cell.

- URLS: URL name → (access class, mode). mode says what each method exercises:
    "r"  read-only page: a POST is answered like a GET (405 "method not offered" always passes);
    "rw" GET reads, POST writes (forms);
    "w"  POST-only action: a GET answers 405 (passes), POST writes.
- ACCESS: access class → {"GET": subjects who may read, "POST": subjects who may write} for an object in the
  subject's OWN department (or a page with no object). EXPECTED, the (class, subject, method) → allowed/refused
  dict, is generated from it.
- Objects in ANOTHER department: department roles and department-scoped service tokens are refused; DX
  administrators and auditors get the same answer as for their own (see `expected`).
- Residents, anonymous visitors and service tokens are refused on every staff/ URL (no class lists them).
"""

from smartkoto.core.roles import Role

ALLOWED, REFUSED = "allowed", "refused"

# -- subjects -------------------------------------------------------------------------------------
CLERK, CASE, MANAGER, DX, AUDITOR = Role.COUNTER_CLERK, Role.CASE_WORKER, Role.DEPARTMENT_MANAGER, Role.DX_ADMIN, Role.AUDITOR
RESIDENT_OWNER, RESIDENT_OTHER, ANONYMOUS = "resident_owner", "resident_other", "anonymous"
SERVICE, SERVICE_NO_SCOPE = "service_scoped", "service_no_scope"
"""Service tokens: both belong to the subjects' own department; SERVICE holds every API scope, the other none."""

STAFF_SUBJECTS = (CLERK, CASE, MANAGER, DX, AUDITOR)
SUBJECTS = STAFF_SUBJECTS + (RESIDENT_OWNER, RESIDENT_OTHER, ANONYMOUS, SERVICE, SERVICE_NO_SCOPE)
DEPARTMENT_SUBJECTS = frozenset({CLERK, CASE, MANAGER})
DEPARTMENT_SCOPED_SUBJECTS = DEPARTMENT_SUBJECTS | {SERVICE, SERVICE_NO_SCOPE}
"""Refused on objects of another department whatever the class says."""

OWN_DEPARTMENT = "kumin"  # the department roles' and the service tokens' department
CROSS_DEPARTMENT = "dx"  # where the DX administrator and the auditor are members

# -- access classes -------------------------------------------------------------------------------
DEPT = DEPARTMENT_SUBJECTS
ALL = frozenset(SUBJECTS)
NOBODY = frozenset()

ACCESS = {
    # back office
    "staff_home": {"GET": frozenset(STAFF_SUBJECTS), "POST": frozenset(STAFF_SUBJECTS)},
    "audit": {"GET": {DX, AUDITOR}, "POST": NOBODY},
    "outbox": {"GET": {DX, AUDITOR}, "POST": NOBODY},  # the mail outbox (operations tool): assumption, see report
    # cases (applications)
    "case_list": {"GET": DEPT | {AUDITOR}, "POST": NOBODY},  # inbox, CSV export, processing times: filtered
    "case": {"GET": DEPT | {AUDITOR}, "POST": {CASE, MANAGER}},  # decide, assign, fee, message
    "case_note": {"GET": DEPT | {AUDITOR}, "POST": DEPT},  # internal notes: clerks too, never auditors
    # bookings (appointments)
    "booking": {"GET": DEPT | {AUDITOR}, "POST": DEPT},
    # counters: queues and desks
    "queue": {"GET": DEPT | {AUDITOR}, "POST": DEPT},
    "kiosk": {"GET": DEPT | {AUDITOR}, "POST": {CLERK, MANAGER}},  # enrolling a lobby kiosk
    "queue_figures": {"GET": {MANAGER, AUDITOR}, "POST": NOBODY},
    # payments
    "payment": {"GET": DEPT | {AUDITOR}, "POST": {CASE, MANAGER}},  # refund requests by case roles
    "slip": {"GET": DEPT | {AUDITOR}, "POST": DEPT},  # payment slips: any department role of the fee's department
    "refund_decide": {"GET": DEPT | {AUDITOR}, "POST": {MANAGER}},  # approval: managers only (not the requester)
    "ledger": {"GET": {AUDITOR}, "POST": NOBODY},  # ledger and reconciliation: the accounting office only
    # settings
    "fee_list": {"GET": frozenset(STAFF_SUBJECTS), "POST": NOBODY},  # the fee table: every staff member reads it
    "fee": {"GET": frozenset(STAFF_SUBJECTS), "POST": {MANAGER, DX}},  # amounts: the fee's department manager or DX
    "settings": {"GET": {CASE, MANAGER, DX, AUDITOR}, "POST": {CASE, MANAGER, DX}},  # procedures and forms builder
    "form_versions": {"GET": DEPT | {DX, AUDITOR}, "POST": NOBODY},  # published forms: clerks read their department's
    "catalog": {"GET": DEPT | {DX, AUDITOR}, "POST": DEPT | {DX}},  # open data catalog
    "admin": {"GET": {DX}, "POST": {DX}},  # Django admin: municipality data, staff, service accounts, content
    # life events at the counter
    "preentry": {"GET": DEPT | {AUDITOR}, "POST": DEPT},  # pre-entries hold personal data: not DX
    "preentry_serve": {"GET": DEPT, "POST": DEPT},  # correcting and printing a resident's pre-entry: the serving counter
    "lifeevents_counter": {"GET": frozenset(STAFF_SUBJECTS), "POST": DEPT},  # code box (+ failed hand-offs for DX)
    "lifeevents_admin": {"GET": {DX, AUDITOR}, "POST": {DX}},  # retry failed bundle hand-offs
    # the digital guide: each department keeps its FAQ entries; the question queue
    "guide_faq": {"GET": frozenset(STAFF_SUBJECTS), "POST": NOBODY},  # entry list, review list, question queue
    "guide_entry": {"GET": DEPT | {DX, AUDITOR}, "POST": DEPT | {DX}},  # one entry: its department or DX edit, auditors read
    "guide_new": {"GET": DEPT | {DX}, "POST": DEPT | {DX}},  # a new entry (a form to write: not for auditors)
    "guide_question": {"GET": frozenset(STAFF_SUBJECTS), "POST": DEPT | {DX}},  # dismiss a 👎 question of the department
    # APIs
    "public_api": {"GET": ALL, "POST": ALL},  # public reads; a POST is 405 or a 4xx, never a refusal
    "api_cases": {"GET": {SERVICE}, "POST": {SERVICE}},  # scope cases:read
    "api_payments": {"GET": {SERVICE}, "POST": {SERVICE}},  # scopes payments:read / payments:write
    "webhook": {"GET": ALL, "POST": ALL},  # the provider's signature decides (400 without), not the caller
}

EXPECTED = {
    (access, subject, method): (ALLOWED if subject in ACCESS[access][method] else REFUSED)
    for access in ACCESS for subject in SUBJECTS for method in ("GET", "POST")
}

# -- URLs -----------------------------------------------------------------------------------------
URLS = {
    "core_staff:home": ("staff_home", "r"),
    "core_staff:audit_log": ("audit", "r"),
    "notifications_staff:outbox": ("outbox", "r"),
    "notifications_staff:email": ("outbox", "r"),
    "notifications_staff:attachment": ("outbox", "r"),
    "procedures_staff:list": ("settings", "r"),
    "procedures_staff:create": ("settings", "rw"),
    "procedures_staff:edit": ("settings", "rw"),
    "procedures_staff:builder": ("settings", "rw"),
    "procedures_staff:field_add": ("settings", "rw"),
    "procedures_staff:preview": ("settings", "r"),
    "procedures_staff:publish": ("settings", "w"),
    "procedures_staff:versions": ("form_versions", "r"),
    "procedures_staff:version": ("form_versions", "r"),
    "procedures_staff:export": ("settings", "r"),
    "procedures_staff:import": ("settings", "w"),
    "applications_staff:inbox": ("case_list", "r"),
    "applications_staff:export": ("case_list", "r"),
    "applications_staff:stats": ("case_list", "r"),
    "applications_staff:case": ("case", "r"),
    "applications_staff:transition": ("case", "w"),
    "applications_staff:assign": ("case", "w"),
    "applications_staff:fee": ("case", "w"),
    "applications_staff:message": ("case", "w"),
    "applications_staff:note": ("case_note", "w"),
    "applications_staff:decision": ("case", "r"),
    "applications_staff:receipt": ("case", "r"),
    "applications_staff:attachment": ("case", "r"),
    "appointments_staff:calendar": ("booking", "r"),
    "appointments_staff:day": ("booking", "rw"),  # POST: capacity or a walk-in
    "appointments_staff:set_status": ("booking", "w"),
    "counters_staff:home": ("queue", "r"),
    "counters_staff:figures": ("queue_figures", "r"),
    "counters_staff:desk": ("queue", "r"),
    "counters_staff:action": ("queue", "w"),
    "counters_staff:enrol_kiosk": ("kiosk", "w"),
    "payments_staff:index": ("payment", "r"),
    "payments_staff:detail": ("payment", "r"),
    "payments_staff:refund_request": ("payment", "w"),
    "payments_staff:refunds": ("payment", "r"),
    "payments_staff:refund_decide": ("refund_decide", "w"),
    "payments_staff:slips": ("slip", "rw"),  # POST issues a slip
    "payments_staff:ledger": ("ledger", "r"),
    "payments_staff:fees": ("fee_list", "r"),
    "payments_staff:fee": ("fee", "rw"),
    "payments_staff:reconciliation": ("ledger", "rw"),
    "payments_staff:reconciliation_run": ("ledger", "r"),
    "opendata_staff:home": ("catalog", "r"),
    "opendata_staff:dataset_new": ("catalog", "rw"),
    "opendata_staff:dataset_edit": ("catalog", "rw"),
    "opendata_staff:dataset_state": ("catalog", "w"),
    "opendata_staff:resource_new": ("catalog", "rw"),
    "opendata_staff:resource": ("catalog", "rw"),
    "opendata_staff:resource_status": ("catalog", "r"),
    "lifeevents_staff:counter": ("lifeevents_counter", "rw"),  # POST spends a resident's code
    "lifeevents_staff:interview": ("preentry", "rw"),
    "lifeevents_staff:retry": ("lifeevents_admin", "w"),
    "lifeevents_staff:entry": ("preentry", "rw"),
    "lifeevents_staff:entry_step": ("preentry_serve", "rw"),
    "lifeevents_staff:entry_pdf": ("preentry_serve", "r"),  # printing marks the pre-entry printed
    "guide_staff:entries": ("guide_faq", "r"),
    "guide_staff:review": ("guide_faq", "r"),
    "guide_staff:queue": ("guide_faq", "r"),
    "guide_staff:new": ("guide_new", "rw"),
    "guide_staff:edit": ("guide_entry", "rw"),
    "guide_staff:dismiss": ("guide_question", "w"),
    # APIs
    "guide_api:answers": ("public_api", "r"),
    "procedures_api:catalog": ("public_api", "r"),
    "procedures_api:detail": ("public_api", "r"),
    "appointments_api:services": ("public_api", "r"),
    "appointments_api:availability": ("public_api", "r"),
    "counters_api:offices": ("public_api", "r"),
    "counters_api:office_status": ("public_api", "r"),
    "counters_api:ticket": ("public_api", "r"),
    "counters_api:congestion_history": ("public_api", "r"),
    "lifeevents_api:list": ("public_api", "r"),
    "lifeevents_api:measure": ("public_api", "r"),
    "lifeevents_api:detail": ("public_api", "r"),
    "applications_api:cases": ("api_cases", "r"),
    "applications_api:case": ("api_cases", "r"),
    "payments_api:payments": ("api_payments", "rw"),
    "payments_api:detail": ("api_payments", "r"),
    "payments_api:webhook": ("webhook", "w"),
}

ADMIN_SUBJECTS = (CASE, DX, AUDITOR, RESIDENT_OWNER, ANONYMOUS, SERVICE)
"""The Django admin answers every URL by one site permission: these subjects are enough to show it (and keep
the run short). Every other class is requested as every subject."""

NAMESPACES = {
    # Every URL of the Django admin at /staff/admin/ answers by the same site permission.
    "admin": ("admin", "rw"),
}

EXCLUDED = {
    # public by design
    "openapi_schema": "the OpenAPI schema is public documentation",
    "opendata_api:version": "CKAN read API: public open data",
    "opendata_api:action": "CKAN read API: public open data",
    "opendata_api:action_unversioned": "CKAN read API: public open data",
    "identity:staff_sign_in": "the staff sign-in page is the way in",
    "identity:staff_code": "the second sign-in factor is the way in",
    # session endpoints: requesting them would sign the subject out or in (the admin login is behind staff sign-in)
    "admin:login": "Django admin sign-in (session endpoint; reached only after staff sign-in)",
    "admin:logout": "Django admin sign-out (session endpoint)",
    # Django's own answers, the same for everyone: task results are read-only, autocomplete needs parameters
    "admin:django_tasks_database_dbtaskresult_add": "read-only model in the admin (403 for everyone)",
    "admin:django_tasks_database_dbtaskresult_delete": "read-only model in the admin (403 for everyone)",
    "admin:django_tasks_database_dbtaskresult_change": "read-only model in the admin (POST 403 for everyone)",
    "admin:autocomplete": "answers 403 to a request without its query parameters",
}
"""dev-oidc/ (the development OpenID provider) is outside staff/ and api/: public by design."""


def classify(name):
    """(access class, mode) of a URL name, or None when the table does not know it."""
    if name in URLS:
        return URLS[name]
    namespace = name.split(":", 1)[0] if ":" in name else None
    return NAMESPACES.get(namespace)


READ_ACROSS_DEPARTMENTS = {"fee"}
"""Classes whose objects every staff member reads whatever their department (the fee table is public knowledge)."""


def expected(access, subject, method, mode, scope):
    """The answer for one cell. `scope`: "own", "other" (object in another department) or "" (no object)."""
    if mode == "r":
        method = "GET"
    if scope == "other" and subject in DEPARTMENT_SCOPED_SUBJECTS and not (access in READ_ACROSS_DEPARTMENTS and method == "GET"):
        return REFUSED
    return EXPECTED[(access, subject, method)]
