"""Back office (/staff/opendata/): publish datasets, upload versions, follow validation and loading.

Views parse, call one service or query with `actor=request.actor`, and render; the rules are in
`permissions.py` (a refusal is a 403 page written to the audit log by the middleware).
"""

from django.contrib import messages as flash
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import audit
from smartkoto.core.i18n import tr
from smartkoto.core.workflow import TransitionNotAllowed

from .. import messages, queries, services, tabular
from ..forms import DatasetForm, ResourceForm, UploadForm
from ..models import Dataset, ResourceFile
from ..permissions import manageable_department_codes, policy
from ..schemas import registry


def _crumbs(*items):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")},
            {"label": _("Open data"), "url": reverse("opendata_staff:home")}] + list(items)


def _dataset(request, name, for_action=None):
    ds = queries.staff_dataset(name, actor=request.actor, for_action=for_action)
    if ds is None:
        raise Http404
    return ds


def home(request):
    datasets = queries.for_staff(actor=request.actor)
    return render(request, "opendata/staff/home.html", {
        "datasets": datasets, "can_create": policy.can(request.actor, "catalog.create_somewhere"),
        "breadcrumbs": _crumbs()[:-1] + [{"label": _("Open data")}],
    })


def dataset_new(request):
    policy.check(request.actor, "catalog.create_somewhere" if request.method == "POST" else "catalog.read_staff")
    form = DatasetForm(request.POST or None, departments=manageable_department_codes(request.actor))
    if request.method == "POST" and form.is_valid():
        ds = services.save_dataset(form.values(), actor=request.actor)
        flash.success(request, _("The dataset was created as a draft. Add its files, then publish it."))
        return redirect("opendata_staff:dataset_edit", name=ds.name)
    return render(request, "opendata/staff/dataset_form.html", {
        "form": form, "creating": True, "can_manage": policy.can(request.actor, "catalog.create_somewhere"), "breadcrumbs": _crumbs({"label": _("New dataset")})})


def dataset_edit(request, name):
    ds = _dataset(request, name)
    if request.method == "POST":
        policy.check(request.actor, "dataset.change", ds)
    codes = manageable_department_codes(request.actor)
    form = DatasetForm(request.POST or None, departments=None if codes is None else set(codes) | {ds.department_code},
                       instance=ds, initial=DatasetForm.initial_from(ds))
    if request.method == "POST" and form.is_valid():
        ds = services.save_dataset(form.values(), actor=request.actor, dataset=ds)
        flash.success(request, _("Changes saved."))
        return redirect("opendata_staff:dataset_edit", name=ds.name)
    return render(request, "opendata/staff/dataset_form.html", {
        "form": form, "ds": ds, "creating": False, "resources": ds.resources.select_related("current"),
        "can_manage": policy.can(request.actor, "dataset.change", ds),
        "breadcrumbs": _crumbs({"label": tr(ds.title)})})


@require_POST
def dataset_state(request, name):
    ds = _dataset(request, name, for_action="dataset.publish")
    state = request.POST.get("state")
    if state not in (Dataset.State.PUBLISHED, Dataset.State.DRAFT):
        raise Http404
    try:
        services.set_state(ds, state, actor=request.actor)
    except TransitionNotAllowed as exc:
        flash.error(request, exc.message)
    else:
        flash.success(request, _("The dataset is now published.") if state == Dataset.State.PUBLISHED else _("The dataset is no longer public."))
    return redirect("opendata_staff:dataset_edit", name=ds.name)


def resource_new(request, name):
    ds = _dataset(request, name)
    if request.method == "POST":
        policy.check(request.actor, "resource.change", ds)
    form = ResourceForm(request.POST or None, request.FILES or None, initial={"schema_id": ds.standard_id})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        res = services.save_resource(ds, {"name": {"ja": c["name_ja"], "en": c["name_en"]}, "format": c["format"],
                                          "schema_id": c["schema_id"], "url": c["url"] or ""}, actor=request.actor)
        if c.get("file"):
            services.upload(res, c["file"].name, c["file"].read(), actor=request.actor)
        return redirect("opendata_staff:resource", name=ds.name, resource_id=res.pk)
    return render(request, "opendata/staff/resource_form.html", {
        "form": form, "ds": ds, "breadcrumbs": _crumbs({"label": tr(ds.title), "url": reverse("opendata_staff:dataset_edit", args=[ds.name])},
                                                      {"label": _("Add a resource")})})


def resource_detail(request, name, resource_id):
    ds = _dataset(request, name)
    res = ds.resources.filter(pk=resource_id).first()
    if res is None:
        raise Http404
    form = UploadForm()
    if request.method == "POST":
        policy.check(request.actor, "resource.upload", ds)
        if request.POST.get("refresh_live") and res.live_source:
            if services.refresh_live(res, actor=request.actor) is None:
                flash.error(request, _("The source of this live dataset is not available yet."))
            return redirect("opendata_staff:resource", name=ds.name, resource_id=res.pk)
        form = UploadForm(request.POST, request.FILES, fmt=res.format)
        if form.is_valid():
            services.upload(res, form.cleaned_data["file"].name, form.cleaned_data["file"].read(), actor=request.actor)
            return redirect("opendata_staff:resource", name=ds.name, resource_id=res.pk)
    versions = list(res.files.all()[:10])
    latest = versions[0] if versions else None
    audit.record("opendata.resource_viewed", actor=request.actor, target=res, department_code=ds.department_code)
    return render(request, "opendata/staff/resource.html", {
        "ds": ds, "res": res, "form": form, "versions": versions, "latest": latest,
        "can_upload": policy.can(request.actor, "resource.upload", ds),
        "latest_summary": messages.summary(latest.report) if latest else "",
        "issues": messages.described(latest.report)[: None if request.GET.get("all") else 25] if latest else [],
        "more_issues": max(0, len((latest.report or {}).get("issues", [])) - 25) if latest and not request.GET.get("all") else 0,
        "encoding": tabular.encoding_label((latest.report or {}).get("encoding")) if latest else "",
        "schema": registry.get(res.schema_id) if res.schema_id else None,
        "in_progress": bool(latest and latest.load_state in (ResourceFile.Load.QUEUED, ResourceFile.Load.LOADING)),
        "breadcrumbs": _crumbs({"label": tr(ds.title), "url": reverse("opendata_staff:dataset_edit", args=[ds.name])}, {"label": tr(res.name)}),
    })


def resource_status(request, name, resource_id):
    ds = _dataset(request, name)
    res = ds.resources.filter(pk=resource_id).first()
    latest = res.files.first() if res else None
    if latest is None:
        raise Http404
    return JsonResponse({"version": latest.version, "state": latest.load_state, "label": str(latest.get_load_state_display()),
                         "rows_loaded": latest.rows_loaded, "rows_total": latest.rows_total, "percent": latest.progress_percent,
                         "live_version": res.current.version if res.current else None})
