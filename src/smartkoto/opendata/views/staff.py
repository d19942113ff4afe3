"""Back office (/staff/opendata/): publish datasets, upload versions, follow validation and loading."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core import audit
from smartkoto.core.i18n import tr

from .. import live, messages, services, tabular
from ..forms import DatasetForm, ResourceForm, UploadForm
from ..models import Dataset, ResourceFile
from ..schemas import registry


def _crumbs(*items):
    return [{"label": _("Staff home"), "url": reverse("core_staff:home")},
            {"label": _("Open data"), "url": reverse("opendata_staff:home")}] + list(items)


def _may_publish_somewhere(user):
    return user.has_staff_role("dx_admin") or bool(user.department_codes("case_worker", "department_manager", "counter_clerk"))


def _dataset(request, name):
    ds = Dataset.objects.filter(name=name).first()
    if ds is None:
        raise Http404
    if not services.can_manage(request.user, ds):
        raise PermissionDenied
    return ds


def home(request):
    if not _may_publish_somewhere(request.user) and not request.user.has_staff_role("auditor"):
        raise PermissionDenied
    datasets = Dataset.objects.prefetch_related("resources").order_by("-modified")
    if not request.user.has_staff_role("dx_admin", "auditor"):
        datasets = datasets.filter(department_code__in=request.user.department_codes())
    return render(request, "opendata/staff/home.html", {
        "datasets": datasets, "can_create": _may_publish_somewhere(request.user),
        "breadcrumbs": _crumbs()[:-1] + [{"label": _("Open data")}],
    })


def dataset_new(request):
    if not _may_publish_somewhere(request.user):
        raise PermissionDenied
    form = DatasetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        ds = services.save_dataset(form.values(), request=request)
        flash.success(request, _("The dataset was created as a draft. Add its files, then publish it."))
        return redirect("opendata_staff:dataset_edit", name=ds.name)
    return render(request, "opendata/staff/dataset_form.html", {
        "form": form, "creating": True, "breadcrumbs": _crumbs({"label": _("New dataset")})})


def dataset_edit(request, name):
    ds = _dataset(request, name)
    form = DatasetForm(request.POST or None, user=request.user, instance=ds, initial=DatasetForm.initial_from(ds))
    if request.method == "POST" and form.is_valid():
        ds = services.save_dataset(form.values(), request=request, dataset=ds)
        flash.success(request, _("Changes saved."))
        return redirect("opendata_staff:dataset_edit", name=ds.name)
    return render(request, "opendata/staff/dataset_form.html", {
        "form": form, "ds": ds, "creating": False, "resources": ds.resources.select_related("current"),
        "breadcrumbs": _crumbs({"label": tr(ds.title)})})


@require_POST
def dataset_state(request, name):
    ds = _dataset(request, name)
    state = request.POST.get("state")
    if state not in (Dataset.State.PUBLISHED, Dataset.State.DRAFT):
        raise Http404
    services.set_state(ds, state, request=request)
    flash.success(request, _("The dataset is now published.") if state == Dataset.State.PUBLISHED else _("The dataset is no longer public."))
    return redirect("opendata_staff:dataset_edit", name=ds.name)


def resource_new(request, name):
    ds = _dataset(request, name)
    form = ResourceForm(request.POST or None, request.FILES or None, initial={"schema_id": ds.standard_id})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        res = services.save_resource(ds, {"name": {"ja": c["name_ja"], "en": c["name_en"]}, "format": c["format"],
                                          "schema_id": c["schema_id"], "url": c["url"] or ""}, request=request)
        if c.get("file"):
            services.upload(res, c["file"].name, c["file"].read(), request=request)
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
        if request.POST.get("refresh_live") and res.live_source:
            if live.refresh(res, request=request) is None:
                flash.error(request, _("The source of this live dataset is not available yet."))
            return redirect("opendata_staff:resource", name=ds.name, resource_id=res.pk)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            services.upload(res, form.cleaned_data["file"].name, form.cleaned_data["file"].read(), request=request)
            return redirect("opendata_staff:resource", name=ds.name, resource_id=res.pk)
    versions = list(res.files.all()[:10])
    latest = versions[0] if versions else None
    audit.record("opendata.resource_viewed", request=request, target=res, department_code=ds.department_code)
    return render(request, "opendata/staff/resource.html", {
        "ds": ds, "res": res, "form": form, "versions": versions, "latest": latest,
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
