"""The co-ordinator's workspace and providers' change pages: thin views over workspace queries and services."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upstream.core.policy import require, role_allows
from upstream.directory import policies
from upstream.directory.models import (
    ChangeProposal,
    CheckResult,
    Metadata,
    Organization,
    ProblemReport,
    ProposalStatus,
    ProviderLink,
    Service,
)
from upstream.directory.workspace import forms, queries, services
from upstream.directory.workspace.services import EDITABLE_FIELDS, WorkspaceError

PAGE_SIZE = 50


def _errors(form: Any) -> dict[str, str]:
    return {name: str(errors[0]) for name, errors in form.errors.items()}


def _service(service_id: uuid.UUID) -> Service:
    record = Service.objects.select_related("organization").filter(pk=service_id).first()
    if record is None:
        raise Http404(_("No service has that address"))
    return record


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Shows the co-ordinator what waits in each queue."""
    counts = queries.counts(actor=request.user)
    return render(request, "directory/workspace/overview.html", {"counts": counts})


@login_required
@require_GET
def verification(request: HttpRequest) -> HttpResponse:
    """Lists the records due for re-checking: never checked first, then the most overdue."""
    records = queries.due_for_verification(actor=request.user, limit=10**9)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    pages = max(1, -(-len(records) // PAGE_SIZE))
    page = min(page, pages)
    context = {
        "records": records[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "total": len(records),
        "page": page,
        "pages": pages,
    }
    return render(request, "directory/workspace/verification.html", context)


@login_required
@require_POST
def verify(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Marks a record checked today."""
    record = _service(service_id)
    form = forms.VerifyForm(request.POST)
    interval = form.cleaned_data["recheck_interval_days"] if form.is_valid() else None
    services.verify_service(actor=request.user, service=record, recheck_interval_days=interval)
    messages.success(request, _("%(name)s is marked as checked today.") % {"name": record.name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("directory:workspace-verification")
    return HttpResponseRedirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Shows and takes the co-ordinator's edit of a record."""
    record = _service(service_id)
    require(request.user, policies.SERVICE_EDIT, record)
    form = forms.EditForm(request.POST or None, initial=services.current_values(record))
    errors: dict[str, str] = {}
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.edit_service(
                    actor=request.user, service=record, changes=form.changes(), verified=form.cleaned_data["verified"]
                )
            except WorkspaceError as error:
                errors = {"name": str(error)}
            else:
                messages.success(
                    request,
                    _("Saved %(n)d changes to %(name)s.") % {"n": len(changed), "name": record.name}
                    if changed
                    else _("Nothing was changed."),
                )
                return HttpResponseRedirect(reverse("directory:workspace-history", args=[record.pk]))
        else:
            errors = _errors(form)
    context = {"service": record, "form": form, "errors": errors, "status_choices": form.fields["status"].choices}
    return render(request, "directory/workspace/edit.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Asks why, then marks a record closed."""
    record = _service(service_id)
    require(request.user, policies.SERVICE_CLOSE, record)
    form = forms.ReasonForm(request.POST or None)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if form.is_valid():
            services.close_service(actor=request.user, service=record, reason=form.cleaned_data["reason"])
            messages.success(request, _("%(name)s is marked closed.") % {"name": record.name})
            return HttpResponseRedirect(reverse("directory:workspace-verification"))
        errors = _errors(form)
    return render(
        request,
        "directory/workspace/close.html",
        {"service": record, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def history(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Shows a record's HSDS change log, newest first."""
    record = _service(service_id)
    require(request.user, policies.WORKSPACE_VIEW)
    rows = Metadata.objects.filter(resource_id=record.pk).order_by("-last_action_date", "-pk")[:200]
    return render(request, "directory/workspace/history.html", {"service": record, "rows": rows})


@login_required
@require_GET
def proposals(request: HttpRequest) -> HttpResponse:
    """Lists providers' changes waiting for approval."""
    pending = list(queries.pending_proposals(actor=request.user))
    return render(request, "directory/workspace/proposals.html", {"proposals": pending})


@login_required
@require_http_methods(["GET", "POST"])
def proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Shows a proposal as a difference, and takes the co-ordinator's decision."""
    record = queries.proposal(actor=request.user, proposal_id=proposal_id)
    if record is None:
        raise Http404(_("No change has that number"))
    can_decide = role_allows(request.user, policies.PROPOSAL_DECIDE)
    form = forms.DecisionForm(request.POST or None)
    errors: dict[str, str] = {}
    if request.method == "POST":
        require(request.user, policies.PROPOSAL_DECIDE, record.service)
        if form.is_valid():
            try:
                services.decide_proposal(
                    actor=request.user,
                    proposal=record,
                    approve=form.cleaned_data["decision"] == "approve",
                    reason=form.cleaned_data["reason"],
                )
            except WorkspaceError as error:
                errors = {"decision": str(error)}
            else:
                messages.success(request, _("Your decision is saved."))
                return HttpResponseRedirect(reverse("directory:workspace-proposals"))
        else:
            errors = _errors(form)
    context = {
        "proposal": record,
        "diff": queries.proposal_diff(record),
        "form": form,
        "errors": errors,
        "can_decide": can_decide and record.status == ProposalStatus.PENDING,
    }
    return render(request, "directory/workspace/proposal.html", context, status=400 if errors else 200)


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    """Lists the public's reports of wrong or closed services."""
    return render(
        request, "directory/workspace/reports.html", {"reports": list(queries.open_reports(actor=request.user))}
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    """Shows one public report and takes what the co-ordinator did about it."""
    require(request.user, policies.PROBLEM_RESOLVE)
    record = ProblemReport.objects.select_related("service").filter(pk=report_id).first()
    if record is None:
        raise Http404(_("No report has that number"))
    form = forms.ResolveForm(request.POST or None)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if record.status != ProblemReport.Status.NEW:
            errors = {"resolution": _("This report has already been dealt with.")}
        elif form.is_valid():
            services.resolve_problem(
                actor=request.user,
                report=record,
                resolution=form.cleaned_data["resolution"],
                close=form.cleaned_data["close"],
            )
            messages.success(request, _("The report is marked as dealt with."))
            return HttpResponseRedirect(reverse("directory:workspace-reports"))
        else:
            errors = _errors(form)
    return render(
        request,
        "directory/workspace/report.html",
        {"report": record, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """Lists likely duplicate pairs with why they look alike."""
    return render(request, "directory/workspace/duplicates.html", {"pairs": queries.duplicates(actor=request.user)})


@login_required
@require_POST
def decide_duplicate(request: HttpRequest) -> HttpResponse:
    """Takes the decision on one pair: not duplicates, or merge into the one to keep."""
    require(request.user, policies.DUPLICATE_DECIDE)
    form = forms.DuplicateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the pair."))
        return HttpResponseRedirect(reverse("directory:workspace-duplicates"))
    first = _service(form.cleaned_data["first"])
    second = _service(form.cleaned_data["second"])
    decision = form.cleaned_data["decision"]
    keep = {"keep_first": first, "keep_second": second}.get(decision)
    try:
        services.decide_duplicate(actor=request.user, first=first, second=second, merge=keep is not None, keep=keep)
    except WorkspaceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Merged into %(name)s.") % {"name": keep.name} if keep else _("Marked as not duplicates."),
        )
    return HttpResponseRedirect(reverse("directory:workspace-duplicates"))


@login_required
@require_http_methods(["GET", "POST"])
def checks(request: HttpRequest) -> HttpResponse:
    """Starts link or phone checks, shows their progress and lists what they found wrong."""
    if request.method == "POST":
        form = forms.CheckForm(request.POST)
        if form.is_valid():
            run = services.start_checks(actor=request.user, kind=form.cleaned_data["kind"])
            messages.success(request, _("The check has started. This page shows how far it has gone."))
            return HttpResponseRedirect(reverse("directory:workspace-checks") + f"#run-{run.pk}")
        messages.error(request, _("Choose websites or phone numbers."))
    context = {
        "runs": queries.latest_runs(actor=request.user),
        "tasks": list(queries.open_check_tasks(actor=request.user)),
    }
    return render(request, "directory/workspace/checks.html", context)


@login_required
@require_GET
def check_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """Returns one run's progress (a fragment htmx swaps in while the run goes on; a page without JavaScript)."""
    run = queries.check_run(actor=request.user, run_id=run_id)
    if run is None:
        raise Http404(_("No check has that number"))
    template = (
        "directory/workspace/_progress.html"
        if request.headers.get("HX-Request")
        else "directory/workspace/progress.html"
    )
    return render(request, template, {"run": run})


@login_required
@require_POST
def check_done(request: HttpRequest, result_id: int) -> HttpResponse:
    """Takes a failed check off the list."""
    result = CheckResult.objects.select_related("service").filter(pk=result_id).first()
    if result is None:
        raise Http404(_("No check result has that number"))
    services.deal_with_result(actor=request.user, result=result)
    messages.success(request, _("Taken off the list."))
    return HttpResponseRedirect(reverse("directory:workspace-checks"))


@login_required
@require_http_methods(["GET", "POST"])
def providers(request: HttpRequest) -> HttpResponse:
    """Shows which Upstream organisation runs each directory organisation, and changes it."""
    require(request.user, policies.PROVIDER_LINK)
    from upstream.accounts.models import Organisation

    if request.method == "POST":
        form = forms.ProviderLinkForm(request.POST)
        if form.is_valid():
            organization = Organization.objects.filter(pk=form.cleaned_data["organization"]).first()
            organisation_id = form.cleaned_data["organisation"]
            if organization is None or (
                organisation_id is not None and not Organisation.objects.filter(pk=organisation_id).exists()
            ):
                raise Http404(_("No organisation has that number"))
            services.link_provider(actor=request.user, organization=organization, organisation_id=organisation_id)
            messages.success(request, _("Saved who runs %(name)s.") % {"name": organization.name})
        return HttpResponseRedirect(reverse("directory:workspace-providers"))
    links = dict(ProviderLink.objects.values_list("organization_id", "organisation_id"))
    organizations = [(o, links.get(o.pk)) for o in Organization.objects.order_by("name", "pk")[:500]]
    context = {"organizations": organizations, "organisations": list(Organisation.objects.order_by("name"))}
    return render(request, "directory/workspace/providers.html", context)


@login_required
@require_GET
def provider_home(request: HttpRequest) -> HttpResponse:
    """Shows a provider's own services and the changes they have proposed."""
    context = {
        "services": list(queries.provider_services(actor=request.user)),
        "proposals": list(queries.proposals_by_organisation(actor=request.user)[:50]),
    }
    return render(request, "directory/workspace/provider_home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Shows a provider the details of one of their services and takes their proposed change."""
    record = _service(service_id)
    require(request.user, policies.PROPOSAL_CREATE)
    if not policies.runs_service(request.user, record):
        raise Http404(_("No service of yours has that address"))
    form = forms.ProposalForm(request.POST or None, initial=services.current_values(record))
    errors: dict[str, str] = {}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.propose_change(
                    actor=request.user, service=record, changes=form.changes(), note=form.cleaned_data["note"]
                )
            except WorkspaceError as error:
                errors = {"name": str(error)}
            else:
                messages.success(request, _("Your change is sent to the directory co-ordinator for approval."))
                return HttpResponseRedirect(reverse("directory:provider-home"))
        else:
            errors = _errors(form)
    pending = ChangeProposal.objects.filter(service=record, status=ProposalStatus.PENDING).exists()
    context = {"service": record, "form": form, "errors": errors, "pending": pending, "labels": EDITABLE_FIELDS}
    return render(request, "directory/workspace/propose.html", context, status=400 if errors else 200)


@login_required
@require_POST
def add_note(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Adds a staff note to a service and goes back to its page."""
    record = _service(service_id)
    form = forms.NoteForm(request.POST)
    target = reverse("directory:service", args=[record.pk]) + "#staff-notes"
    if not form.is_valid():
        messages.error(request, _errors(form).get("text", _("Write the note")))
        return HttpResponseRedirect(target)
    try:
        services.add_note(actor=request.user, service=record, text=form.cleaned_data["text"])
    except WorkspaceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your note is added."))
    return HttpResponseRedirect(target)
