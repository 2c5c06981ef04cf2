"""Guide pages: the public list and page, and the co-ordinator's editor."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from upstream.accounts.middleware import public_page
from upstream.core.localised import localise
from upstream.core.policy import require, role_allows
from upstream.directory import policies
from upstream.directory.guides import queries, services
from upstream.directory.guides.forms import GuideForm
from upstream.directory.guides.render import render as render_body
from upstream.directory.guides.services import GUIDE_TEXT_FIELDS as GUIDE_FIELDS
from upstream.directory.models import Guide
from upstream.directory.vocab import NEED_CATEGORIES


@public_page
@require_GET
def guide_list(request: HttpRequest) -> HttpResponse:
    """Lists the guides."""
    # Each guide's words in the reader's language where a reviewed translation is published (core.localised).
    records = [(g, localise(g, GUIDE_FIELDS)) for g in queries.guides(actor=request.user)]
    can_edit = role_allows(request.user, policies.GUIDE_EDIT)
    return render(request, "directory/guides/list.html", {"guides": records, "can_edit": can_edit})


@public_page
@require_GET
def guide_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Shows one guide, with the services it points at."""
    record = queries.guide(actor=request.user, slug=slug)
    if record is None:
        raise Http404(_("No guide has that address"))
    # The guide's words in the reader's language where a reviewed translation is published (core.localised).
    text = localise(record, ("title", "summary", "body"))
    context = {
        "guide": record,
        "text": text,
        "body": render_body(text["body"].text),
        "services": queries.guide_services(record),
        "needs": [(n, NEED_CATEGORIES.get(n, n)) for n in record.need_categories],
        "can_edit": role_allows(request.user, policies.GUIDE_EDIT),
    }
    return render(request, "directory/guides/guide.html", context)


def _errors(form: Any) -> dict[str, str]:
    return {name: str(errors[0]) for name, errors in form.errors.items()}


@login_required
@require_http_methods(["GET", "POST"])
def guide_edit(request: HttpRequest, guide_id: uuid.UUID | None = None) -> HttpResponse:
    """Shows and takes the co-ordinator's guide form (a new guide, or a change to one)."""
    require(request.user, policies.GUIDE_EDIT)
    record = Guide.objects.filter(pk=guide_id).first() if guide_id else None
    if guide_id and record is None:
        raise Http404(_("No guide has that address"))
    initial: dict[str, Any] = {"status": Guide.Status.DRAFT}
    if record is not None:
        initial = {
            "title": record.title,
            "slug": record.slug,
            "summary": record.summary,
            "body": record.body,
            "need_categories": record.need_categories,
            "status": record.status,
            "services": "\n".join(str(pk) for pk in record.services.values_list("pk", flat=True)),
        }
    form = GuideForm(request.POST or None, initial=initial)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.save_guide(
                    actor=request.user,
                    guide=record,
                    title=data["title"],
                    slug=data["slug"],
                    summary=data["summary"],
                    body=data["body"],
                    need_categories=data["need_categories"],
                    service_ids=data["services"],
                    status=data["status"],
                )
            except services.GuideError as error:
                errors = {error.field: str(error)}
            else:
                messages.success(request, _("The guide is saved."))
                return HttpResponseRedirect(reverse("directory:guide", args=[saved.slug]))
        else:
            errors = _errors(form)
    context = {
        "guide": record,
        "form": form,
        "errors": errors,
        "need_choices": list(NEED_CATEGORIES.items()),
        "status_choices": Guide.Status.choices,
    }
    return render(request, "directory/guides/edit.html", context, status=400 if errors else 200)
