"""Record linkage pages: thin views over records.queries (reads) and records.services (changes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upstream.core.policy import can, require
from upstream.records import forms, imports, policies, queries, services
from upstream.records.models import Decision


def _page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _errors(form: forms.forms.Form) -> dict[str, str]:
    return {name: str(errors[0]) for name, errors in form.errors.items()}


def _error_of(exc: ValidationError) -> str:
    return str(exc.messages[0]) if exc.messages else str(exc)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Shows the records search, the review queue's progress and the latest link run."""
    require(request.user, policies.PERSON_VIEW, policies.StoreRecord("search"))
    search = request.GET.get("q", "").strip()
    user = request.user
    reviewer = can(user, policies.REVIEW, policies.StoreRecord("queue"))
    return render(
        request,
        "records/index.html",
        {
            "search": search,
            "found": queries.find_people(user, search) if search else None,
            "waiting": queries.waiting_count(user) if reviewer else None,
            "can_review": reviewer,
            "can_run": can(user, policies.RUN_START, policies.StoreRecord("store")),
            "can_import": can(user, policies.IMPORT, policies.StoreRecord("store")),
            "can_see_history": can(user, policies.HISTORY_VIEW, policies.StoreRecord("history")),
            "latest_run": queries.latest_run(user),
            "run_form": forms.RunForm(),
        },
    )


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Shows the uncertain pairs of the last link run, with how far the review has got."""
    queue = queries.review_queue(request.user, show=request.GET.get("show", "waiting"), page=_page(request))
    return render(request, "records/review.html", {"queue": queue})


@login_required
@require_http_methods(["GET", "POST"])
def review_pair(request: HttpRequest, person_id_l: str, person_id_r: str) -> HttpResponse:
    """Shows two records side by side with the model's reasons; takes the reviewer's decision."""
    form = forms.DecisionForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            pair = queries.review_pair(request.user, person_id_l, person_id_r)
            services.decide_pair(
                actor=request.user,
                person_id_l=pair.person_id_l,
                person_id_r=pair.person_id_r,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                match_probability=pair.match_probability,
            )
        except ValidationError as exc:
            error = _error_of(exc)
        else:
            messages.success(request, _("Decision saved: the next link run will apply it."))
            if pair.next_pair is not None:
                return HttpResponseRedirect(reverse("records:pair", args=pair.next_pair))
            return HttpResponseRedirect(reverse("records:review"))
    pair = queries.review_pair(request.user, person_id_l, person_id_r)
    errors = _errors(form) if form.is_bound else {}
    if error:
        errors["decision"] = error
    return render(
        request,
        "records/pair.html",
        {"pair": pair, "form": form, "errors": errors, "decisions": Decision.choices},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def person(request: HttpRequest, resolved_person_id: str) -> HttpResponse:
    """Shows one resolved person: their records, events, household, and why the records were linked."""
    view = queries.resolved_person(request.user, resolved_person_id)
    return render(
        request,
        "records/person.html",
        {
            "person": view,
            "can_link": can(request.user, policies.PERSON_LINK, policies.StoreRecord(resolved_person_id)),
            "can_see_history": can(request.user, policies.HISTORY_VIEW, policies.StoreRecord("history")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_link(request: HttpRequest, resolved_person_id: str) -> HttpResponse:
    """Links a record of another resolved person to this one, with a reason."""
    require(request.user, policies.PERSON_LINK, policies.StoreRecord(resolved_person_id))
    view = queries.resolved_person(request.user, resolved_person_id)
    form = forms.LinkForm(request.POST or None, initial={"person_id": request.GET.get("person_id", "")})
    errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.link_record(
                actor=request.user,
                resolved_person_id=resolved_person_id,
                person_id=form.cleaned_data["person_id"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            errors["reason" if getattr(exc, "code", "") == "reason" else "person_id"] = _error_of(exc)
        else:
            messages.success(request, _("Record linked: the next link run will put it with this person."))
            return HttpResponseRedirect(reverse("records:person", args=[resolved_person_id]))
    if form.is_bound:
        errors = {**_errors(form), **errors}
    return render(
        request, "records/link.html", {"person": view, "form": form, "errors": errors}, status=400 if errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_unlink(request: HttpRequest, resolved_person_id: str, person_id: str) -> HttpResponse:
    """Takes one record out of a resolved person, with a reason."""
    require(request.user, policies.PERSON_LINK, policies.StoreRecord(resolved_person_id))
    view = queries.resolved_person(request.user, resolved_person_id)
    record = next((r for r in view.records if r["person_id"] == person_id), None)
    if record is None:
        messages.info(request, _("That record is not one of this person's records."))
        return HttpResponseRedirect(reverse("records:person", args=[resolved_person_id]))
    form = forms.UnlinkForm(request.POST or None)
    errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.unlink_record(
                actor=request.user,
                resolved_person_id=resolved_person_id,
                person_id=person_id,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            errors["reason"] = _error_of(exc)
        else:
            messages.success(request, _("Record unlinked: the next link run will keep it apart from this person."))
            return HttpResponseRedirect(reverse("records:person", args=[resolved_person_id]))
    if form.is_bound:
        errors = {**_errors(form), **errors}
    return render(
        request,
        "records/unlink.html",
        {"person": view, "record": record, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """Shows every link and unlink decision, newest first, and the link runs."""
    person_id = request.GET.get("person_id", "").strip()
    found = queries.link_history(request.user, page=_page(request), person_id=person_id)
    return render(request, "records/history.html", {"history": found, "person_id": person_id})


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Queues a link run in the background and shows its progress."""
    form = forms.RunForm(request.POST)
    engine = form.cleaned_data["engine"] if form.is_valid() else "duckdb"
    try:
        run = services.start_link_run(actor=request.user, engine=engine)
    except services.RunRefusedError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("records:index"))
    return HttpResponseRedirect(reverse("records:run", args=[run.pk]))


@login_required
@require_GET
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    """Shows a link run's progress, then what it found (htmx refreshes the progress while it runs)."""
    link_run = queries.get_run(request.user, run_id)
    template = "records/_run_status.html" if request.headers.get("HX-Request") else "records/run.html"
    return render(request, template, {"run": link_run})


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """Takes an uploaded extract and queues its import into the records store."""
    require(request.user, policies.IMPORT, policies.StoreRecord("store"))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if form.is_valid():
            try:
                run = imports.start_import(actor=request.user, files=form.cleaned_data["extract"])
            except ValidationError as exc:
                errors["extract"] = _error_of(exc)
            except services.RunRefusedError as exc:
                errors["extract"] = str(exc)
            else:
                return HttpResponseRedirect(reverse("records:import", args=[run.pk]))
        errors = {**_errors(form), **errors}
    return render(
        request,
        "records/import_new.html",
        {"form": form, "errors": errors, "latest": imports.latest_import(request.user)},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """Shows an import's progress, then its counts and the rows it rejected (htmx refreshes it while it runs)."""
    run = imports.get_import(request.user, run_id)
    template = "records/_import_status.html" if request.headers.get("HX-Request") else "records/import.html"
    return render(request, template, {"run": run, "rejects": imports.rejects_of(request.user, run)})
