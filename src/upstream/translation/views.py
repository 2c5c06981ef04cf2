"""Staff pages for translating the directory: the overview, one record's fields, machine drafts, languages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upstream.core.localised import record_language
from upstream.core.policy import can, require
from upstream.translation import languages, policies, queries, registry, services
from upstream.translation.forms import FieldForm, LanguageForm, MachineForm
from upstream.translation.models import Status
from upstream.translation.providers.base import ProviderError, get_provider


def _language(request: HttpRequest) -> str:
    choices = [c.code for c in queries.target_languages()]
    wanted = request.GET.get("language", "")
    return wanted if wanted in choices else choices[0]


def _provider_state() -> tuple[bool, str]:
    try:
        provider = get_provider()
    except ProviderError as error:
        return False, str(error)
    return provider.available, provider.describe()


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Shows how much of each kind of record is translated into a language, and the records to work on."""
    require(request.user, policies.TRANSLATION_EDIT)
    language = _language(request)
    kinds = registry.kinds()
    kind = registry.get(request.GET.get("kind", "")) or kinds[0]
    status = request.GET.get("status", "")
    status = status if status in queries.STATUS_FILTERS else ""
    text = request.GET.get("q", "")[:100]
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    page, totals = queries.overview(
        request.user, kind=kind, language=language, status=status, text=text, page=page_number
    )
    available, provider_text = _provider_state()
    params = {"language": language, "kind": kind.key, "status": status, "q": text}
    return render(
        request,
        "translation/index.html",
        {
            "language": language,
            "languages": queries.target_languages(),
            "kinds": kinds,
            "kind": kind,
            "status": status,
            "text": text,
            "page": page,
            "totals": totals,
            "jobs": queries.recent_jobs(request.user),
            "machine_available": available and can(request.user, policies.MACHINE_REQUEST),
            "provider_text": provider_text,
            "page_params": urlencode({k: v for k, v in params.items() if v}),
            "can_add_language": can(request.user, policies.LANGUAGE_ADD),
        },
    )


def _record_context(request: HttpRequest, kind: registry.Kind, record: object, language: str) -> dict[str, object]:
    available, provider_text = _provider_state()
    return {
        "kind": kind,
        "record": record,
        "title": kind.title(record),
        "original_language": record_language(record),
        "original_language_name": languages.english_name(record_language(record)),
        "public_url": kind.url_for(record),
        "language": language,
        "language_name": next((c for c in queries.target_languages() if c.code == language), None),
        "rows": queries.record_translations(request.user, kind=kind, record=record, language=language),
        "machine_available": available and can(request.user, policies.MACHINE_REQUEST),
        "provider_text": provider_text,
        "can_review": can(request.user, policies.TRANSLATION_REVIEW),
        "can_publish": can(request.user, policies.TRANSLATION_PUBLISH),
        "Status": Status,
        "errors": [],
    }


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, kind_key: str, object_id: str, language: str) -> HttpResponse:
    """Shows one record's fields beside their translation, and saves, reviews, publishes or withdraws one."""
    require(request.user, policies.TRANSLATION_EDIT)
    kind = registry.get(kind_key)
    if kind is None or not queries.is_target_language(language):
        raise Http404(_("There is nothing to translate at this address"))
    target = queries.get_record(kind, object_id)
    if target is None:
        raise Http404(_("There is nothing to translate at this address"))
    here = reverse("translation:record", args=[kind.key, object_id, language])
    if request.method == "POST":
        if request.POST.get("action") == "publish_all":
            count = services.publish_reviewed(actor=request.user, kind=kind, record=target, language=language)
            messages.success(request, _("%(count)d reviewed translations published") % {"count": count})
            return HttpResponseRedirect(here)
        form = FieldForm(request.POST)
        error = ""
        if not form.is_valid():
            error = _("The form was not complete: try again.")
        else:
            data = form.cleaned_data
            try:
                _act(request, kind, target, language, data)
            except services.TranslationRefused as refused:
                error = str(refused)
            else:
                return HttpResponseRedirect(f"{here}#field-{data['field']}")
        context = _record_context(request, kind, target, language)
        name = request.POST.get("field", "")
        context["errors"] = [{"text": error, "href": f"#text-{name}"}]
        context["error_field"] = name
        context["posted_text"] = request.POST.get("text", "")
        return render(request, "translation/record.html", context, status=400)
    return render(request, "translation/record.html", _record_context(request, kind, target, language))


def _act(request: HttpRequest, kind: registry.Kind, target: object, language: str, data: dict[str, str]) -> None:
    action = data["action"]
    if action == "save":
        services.save_translation(
            actor=request.user, kind=kind, record=target, field=data["field"], language=language, text=data["text"]
        )
        messages.success(request, _("Translation saved as a draft"))
        return
    row = next(
        (
            r.translation
            for r in queries.record_translations(request.user, kind=kind, record=target, language=language)
            if r.name == data["field"] and r.translation is not None
        ),
        None,
    )
    if row is None:
        raise services.TranslationRefused(_("Save a translation of this field first."))
    if action == "review":
        services.review(actor=request.user, translation=row)
        messages.success(request, _("Translation marked as reviewed"))
    elif action == "publish":
        services.publish(actor=request.user, translation=row)
        messages.success(request, _("Translation published"))
    else:
        services.unpublish(actor=request.user, translation=row)
        messages.success(request, _("Translation taken off the public pages"))


@login_required
@require_POST
def request_machine(request: HttpRequest) -> HttpResponse:
    """Queues machine drafts for one record, or for every record of a kind that still lacks words."""
    require(request.user, policies.MACHINE_REQUEST)
    form = MachineForm(request.POST)
    kind = registry.get(request.POST.get("kind", ""))
    if not form.is_valid() or kind is None:
        raise Http404(_("There is nothing to translate at this address"))
    language = form.cleaned_data["language"]
    object_id = form.cleaned_data["object_id"]
    if object_id:
        ids = [object_id] if queries.get_record(kind, object_id) is not None else []
        back = reverse("translation:record", args=[kind.key, object_id, language])
    else:
        page, _totals = queries.overview(request.user, kind=kind, language=language, status="missing")
        outdated, _t = queries.overview(request.user, kind=kind, language=language, status="outdated")
        rows = [*page.paginator.object_list, *outdated.paginator.object_list]
        ids = [str(row.record.pk) for row in rows]
        back = reverse("translation:index") + "?" + urlencode({"language": language, "kind": kind.key})
    try:
        job = services.request_machine_drafts(actor=request.user, kind=kind, object_ids=ids, language=language)
    except services.TranslationRefused as refused:
        messages.error(request, str(refused))
        return HttpResponseRedirect(back)
    return HttpResponseRedirect(reverse("translation:job", args=[job.pk]))


@login_required
@require_GET
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Shows how far a machine-translation job has got (the page refreshes itself only with JavaScript on)."""
    found = queries.get_job(request.user, job_id)
    if found is None:
        raise Http404(_("There is no such job"))
    kind = registry.get(f"{found.content_type.app_label}.{found.content_type.model}")
    template = "translation/_job_progress.html" if request.headers.get("HX-Request") else "translation/job.html"
    return render(request, template, {"job": found, "kind": kind})


@login_required
@require_http_methods(["GET", "POST"])
def add_language(request: HttpRequest) -> HttpResponse:
    """Lists the languages records are translated into and adds another by its ISO 639 code."""
    require(request.user, policies.LANGUAGE_ADD)
    form = LanguageForm(request.POST or None)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            try:
                added = services.add_language(actor=request.user, code=form.cleaned_data["code"])
            except services.TranslationRefused as refused:
                errors = [{"text": str(refused), "href": "#code"}]
            else:
                messages.success(request, _("Language added: %(code)s") % {"code": added.code})
                return HttpResponseRedirect(reverse("translation:index") + "?" + urlencode({"language": added.code}))
        else:
            errors = [{"text": " ".join(m), "href": "#code"} for m in form.errors.values()]
    return render(
        request,
        "translation/languages.html",
        {"form": form, "errors": errors, "languages": queries.target_languages()},
        status=400 if errors else 200,
    )
