"""People pages: thin views over people.queries (reads) and people.services (changes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from upstream.accounts.models import Organisation
from upstream.core import links
from upstream.core.policy import PermissionDenied, can, require
from upstream.people import policies, queries, services
from upstream.people.forms import EraseForm, PersonForm, ShareForm
from upstream.people.models import RETENTION_PERIODS, LegalRegime, Person, RetentionClass, Sex


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _errors(form: PersonForm | ShareForm | EraseForm) -> dict[str, str]:
    # One message per field, the first, as GOV.UK error messages show.
    return {name: str(errors[0]) for name, errors in form.errors.items()}


def _person_url(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def _person_form_choices() -> dict[str, object]:
    return {
        "sex_choices": Sex.choices,
        "regime_choices": LegalRegime.choices,
        "retention_choices": RetentionClass.choices,
        "retention_periods": RETENTION_PERIODS,
    }


def _refuse_change(request: HttpRequest, person: Person, action: str) -> HttpResponse | None:
    # Staff of an organisation the person is shared with may read but not change, share or erase: the
    # controller answers for the record. An erased record has nothing left to change.
    if not policies.is_controller(request.user, person):
        raise PermissionDenied(request.user, action, person)
    if person.is_erased:
        messages.info(request, _("This person's details have been erased, so the record cannot be changed."))
        return HttpResponseRedirect(_person_url(person))
    return None


@login_required
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    """Shows the people the user may see, with a search by name or postcode."""
    search = request.GET.get("q", "").strip()
    page = queries.list_people(request.user, search=search or None, page=_page_number(request))
    return render(
        request,
        "people/list.html",
        {
            "page": page,
            "search": search,
            "can_add": can(request.user, policies.PERSON_CREATE),
        },
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """Shows one person's details, households, roles in records and who they are shared with."""
    person = queries.get_person(request.user, person_id)
    user = request.user
    controller_staff = policies.is_controller(user, person)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "retention_period": RETENTION_PERIODS.get(person.retention_class, ""),
            "memberships": queries.memberships_of(user, person),
            "record_roles": queries.record_roles_of(user, person),
            "shares": queries.shares_of(user, person),
            "organisations": dict(Organisation.objects.values_list("pk", "name")),
            "can_edit": controller_staff and can(user, policies.PERSON_UPDATE, person) and not person.is_erased,
            "can_share": controller_staff and can(user, policies.PERSON_SHARE, person) and not person.is_erased,
            "can_erase": controller_staff and can(user, policies.PERSON_ERASE, person) and not person.is_erased,
            "can_see_access_log": can(user, policies.PERSON_ACCESS_LOG, person),
            "is_controller_staff": controller_staff,
            # What other capabilities offer on a person ("refer this person"), through core's link registry.
            "actions": links.for_record("people:person", user, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest) -> HttpResponse:
    """Adds a person to the user's organisation's records."""
    require(request.user, policies.PERSON_CREATE)
    form = PersonForm(request.POST or None, initial={"retention_class": "casework"})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(actor=request.user, **form.person_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Person added"))
            return HttpResponseRedirect(_person_url(person))
    return render(
        request,
        "people/form.html",
        {"form": form, "errors": _errors(form), "person": None, **_person_form_choices()},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Corrects a person's details."""
    if request.method == "POST":
        person = queries.find_person(request.user, person_id, action=policies.PERSON_UPDATE)
    else:
        person = queries.get_person(request.user, person_id, action=policies.PERSON_UPDATE)
    if (refusal := _refuse_change(request, person, policies.PERSON_UPDATE)) is not None:
        return refusal
    form = PersonForm(request.POST or None, initial=PersonForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(actor=request.user, person=person, **form.person_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Details saved"))
            return HttpResponseRedirect(_person_url(person))
    return render(
        request,
        "people/form.html",
        {"form": form, "errors": _errors(form), "person": person, **_person_form_choices()},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_share(request: HttpRequest, person_id: int) -> HttpResponse:
    """Shares a person with another organisation under an information-sharing agreement."""
    person = queries.find_person(request.user, person_id, action=policies.PERSON_SHARE)
    if (refusal := _refuse_change(request, person, policies.PERSON_SHARE)) is not None:
        return refusal
    form = ShareForm(request.POST or None, sharer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.share_person(
                actor=request.user,
                person=person,
                organisation=form.cleaned_data["organisation"],
                purpose=form.cleaned_data["purpose"],
                agreement=form.cleaned_data["agreement"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Shared with %(organisation)s") % {"organisation": form.cleaned_data["organisation"]}
            )
            return HttpResponseRedirect(_person_url(person))
    organisation_field = form.fields["organisation"]
    return render(
        request,
        "people/share.html",
        {
            "form": form,
            "errors": _errors(form),
            "person": person,
            "organisations": list(getattr(organisation_field, "queryset", [])),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, person_id: int) -> HttpResponse:
    """Asks a supervisor to confirm, then erases a person's details, keeping a tombstone."""
    person = queries.find_person(request.user, person_id, action=policies.PERSON_ERASE)
    if (refusal := _refuse_change(request, person, policies.PERSON_ERASE)) is not None:
        return refusal
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.erase_person(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        messages.success(request, _("The person's details have been erased"))
        return HttpResponseRedirect(_person_url(person))
    return render(
        request,
        "people/erase.html",
        {"form": form, "errors": _errors(form), "person": person},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def person_access_log(request: HttpRequest, person_id: int) -> HttpResponse:
    """Shows supervisors who has looked at, changed or shared a person, and why."""
    person = queries.find_person(request.user, person_id, action=policies.PERSON_ACCESS_LOG)
    entries = queries.person_access_log(request.user, person)
    return render(
        request,
        "people/access_log.html",
        {
            "person": person,
            "entries": entries,
            "organisations": dict(Organisation.objects.values_list("pk", "name")),
        },
    )
