"""Forms for the plan pages: one per SARA stage, and for sources, findings, evidence, actions and moves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from upstream.accounts.models import Organisation, Team, User
from upstream.core.roles import Role
from upstream.places.models import Area, AreaLevel
from upstream.problems.models import (
    ActionStatus,
    ComparisonKind,
    DataSourceKind,
    Decision,
    EmmieEffect,
    Impact,
    ProblemType,
    Technique,
)

DATE = forms.DateInput(attrs={"type": "date"})
AREA_LEVELS = (AreaLevel.LOCAL_AUTHORITY, AreaLevel.WARD, AreaLevel.NEIGHBOURHOOD)


def _areas(organisation: Organisation | None) -> Any:
    queryset = Area.objects.filter(level__in=[AreaLevel.LOCAL_AUTHORITY, AreaLevel.WARD])
    force_area_id = getattr(organisation, "force_area_id", None)
    if force_area_id:
        queryset = queryset.filter(parent_id=force_area_id) | queryset.filter(parent__parent_id=force_area_id)
    return queryset.order_by("level", "name")


class PlanForm(forms.Form):
    """A new plan: what it is about, where, and who owns and supervises it."""

    title = forms.CharField(max_length=200, label=_("Title"), error_messages={"required": _("Enter a title")})
    problem_type = forms.ChoiceField(
        choices=ProblemType.choices, label=_("Kind of problem"), error_messages={"required": _("Choose the kind")}
    )
    description = forms.CharField(widget=forms.Textarea, required=False, label=_("What the problem is"))
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label=_("Team"), error_messages={"required": _("Choose the team")}
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), label=_("Area"), error_messages={"required": _("Choose the area")}
    )
    supervisor = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Supervisor"), error_messages={"required": _("Choose the supervisor")}
    )
    # Carried from the list or page the plan was started from ("start a plan from this"); shown, not typed.
    source_area = forms.ModelChoiceField(queryset=Area.objects.all(), required=False, widget=forms.HiddenInput)
    source_kind = forms.ChoiceField(
        choices=[("", ""), *DataSourceKind.choices], required=False, widget=forms.HiddenInput
    )
    evidence = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = getattr(user, "organisation", None)
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        self.fields["area"].queryset = _areas(organisation)  # type: ignore[attr-defined]
        supervisors = [
            u.pk for u in User.objects.filter(organisation=organisation, is_active=True) if u.has_role(Role.SUPERVISOR)
        ]
        self.fields["supervisor"].queryset = User.objects.filter(pk__in=supervisors)  # type: ignore[attr-defined]
        self.fields["supervisor"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


class ScanningForm(forms.Form):
    """Scanning: what, where, when, who is harmed, how it came to notice, and the baseline."""

    title = forms.CharField(max_length=200, label=_("Title"), error_messages={"required": _("Enter a title")})
    problem_type = forms.ChoiceField(choices=ProblemType.choices, label=_("Kind of problem"))
    description = forms.CharField(widget=forms.Textarea, required=False, label=_("What the problem is"))
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label=_("Other areas it affects"),
        widget=forms.SelectMultiple,
    )
    addresses = forms.CharField(widget=forms.Textarea, required=False, label=_("Addresses"), help_text=_("One a line"))
    latitude = forms.FloatField(required=False, label=_("Latitude"), min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, label=_("Longitude"), min_value=-180, max_value=180)
    when_happens = forms.CharField(widget=forms.Textarea, required=False, label=_("When it happens"))
    who_harmed = forms.CharField(widget=forms.Textarea, required=False, label=_("Who is harmed"))
    how_noticed = forms.CharField(widget=forms.Textarea, required=False, label=_("How it came to notice"))
    baseline_measure = forms.CharField(
        max_length=300,
        required=False,
        label=_("What the baseline measures"),
        help_text=_("For example: calls about youth disorder at the estate"),
    )
    baseline_value = forms.FloatField(required=False, label=_("Baseline figure"))
    baseline_start = forms.DateField(required=False, label=_("Baseline period start"), widget=DATE)
    baseline_end = forms.DateField(required=False, label=_("Baseline period end"), widget=DATE)

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = _areas(organisation)  # type: ignore[attr-defined]


class AnalysisForm(forms.Form):
    """Analysis: the problem analysis triangle, the six questions, concentration and a hypothesis."""

    offender = forms.CharField(widget=forms.Textarea, required=False, label=_("Offender"))
    offender_handler = forms.CharField(
        widget=forms.Textarea, required=False, label=_("Handler"), help_text=_("Who has influence over the offender")
    )
    victim = forms.CharField(widget=forms.Textarea, required=False, label=_("Victim"))
    victim_guardian = forms.CharField(
        widget=forms.Textarea, required=False, label=_("Guardian"), help_text=_("Who can protect the victim")
    )
    location = forms.CharField(widget=forms.Textarea, required=False, label=_("Location"))
    location_manager = forms.CharField(
        widget=forms.Textarea, required=False, label=_("Manager"), help_text=_("Who is responsible for the place")
    )
    question_what = forms.CharField(widget=forms.Textarea, required=False, label=_("What happens?"))
    question_where = forms.CharField(widget=forms.Textarea, required=False, label=_("Where?"))
    question_when = forms.CharField(widget=forms.Textarea, required=False, label=_("When?"))
    question_who = forms.CharField(widget=forms.Textarea, required=False, label=_("Who is involved?"))
    question_why = forms.CharField(widget=forms.Textarea, required=False, label=_("Why?"))
    question_how = forms.CharField(widget=forms.Textarea, required=False, label=_("How?"))
    concentration_time = forms.CharField(widget=forms.Textarea, required=False, label=_("Concentration in time"))
    concentration_place = forms.CharField(widget=forms.Textarea, required=False, label=_("Concentration in place"))
    concentration_from_data = forms.BooleanField(required=False, label=_("The concentration is shown from data"))
    hypothesis = forms.CharField(widget=forms.Textarea, required=False, label=_("Causal hypothesis"))


class ResponseForm(forms.Form):
    """Response: the SMART objective and the impact it aims at."""

    objective = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label=_("SMART objective"),
        help_text=_("Specific, measurable, achievable, realistic and timed"),
    )
    impact = forms.ChoiceField(
        choices=[("", _("Not chosen yet")), *Impact.choices], required=False, label=_("Impact aimed at")
    )


class AssessmentForm(forms.Form):
    """Assessment: the after measure, the comparison, displacement, the decision and lessons."""

    after_value = forms.FloatField(required=False, label=_("After figure"), help_text=_("Measured as the baseline was"))
    after_start = forms.DateField(required=False, label=_("After period start"), widget=DATE)
    after_end = forms.DateField(required=False, label=_("After period end"), widget=DATE)
    comparison_kind = forms.ChoiceField(choices=ComparisonKind.choices, required=False, label=_("Comparison"))
    comparison_area = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, label=_("Comparison area"))
    comparison_baseline = forms.FloatField(required=False, label=_("Comparison area's baseline figure"))
    comparison_after = forms.FloatField(required=False, label=_("Comparison area's after figure"))
    displacement_checked = forms.BooleanField(required=False, label=_("Displacement to surrounding areas checked"))
    displacement_note = forms.CharField(
        widget=forms.Textarea, required=False, label=_("What the displacement check found")
    )
    decision = forms.ChoiceField(
        choices=[("", _("Not decided yet")), *Decision.choices], required=False, label=_("Decision")
    )
    lessons = forms.CharField(widget=forms.Textarea, required=False, label=_("Lessons learned"))

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comparison_area"].queryset = _areas(organisation)  # type: ignore[attr-defined]


STAGE_FORMS: dict[str, type[forms.Form]] = {
    "scanning": ScanningForm,
    "analysis": AnalysisForm,
    "response": ResponseForm,
    "assessment": AssessmentForm,
}


class DataSourceForm(forms.Form):
    """One data source behind the plan."""

    kind = forms.ChoiceField(choices=DataSourceKind.choices, label=_("Kind of data"))
    description = forms.CharField(
        max_length=300, label=_("Description"), error_messages={"required": _("Describe the data")}
    )
    is_police = forms.ChoiceField(
        choices=[("", _("Decide from the kind")), ("yes", _("Police data")), ("no", _("Not police data"))],
        required=False,
        label=_("Whose data"),
    )


class FindingForm(forms.Form):
    """One analysis finding."""

    text = forms.CharField(
        widget=forms.Textarea, label=_("Finding"), error_messages={"required": _("Enter the finding")}
    )


class EvidenceForm(forms.Form):
    """Evidence consulted, with its EMMIE rating."""

    title = forms.CharField(max_length=300, label=_("Title"), error_messages={"required": _("Enter the title")})
    source = forms.CharField(
        max_length=300,
        required=False,
        label=_("Where it is from"),
        help_text=_("For example: College of Policing crime reduction toolkit"),
    )
    effect = forms.ChoiceField(choices=EmmieEffect.choices, label=_("Effect"))
    evidence_strength = forms.IntegerField(
        min_value=0, max_value=3, initial=0, label=_("Strength of evidence (0 to 3)")
    )
    notes = forms.CharField(
        widget=forms.Textarea, required=False, label=_("Mechanism, moderators, implementation and economic cost")
    )


class ActionForm(forms.Form):
    """One response action."""

    description = forms.CharField(
        widget=forms.Textarea, label=_("Action"), error_messages={"required": _("Describe the action")}
    )
    technique = forms.ChoiceField(choices=Technique.choices, label=_("Technique or kind of response"))
    finding = forms.ModelChoiceField(queryset=None, required=False, label=_("Finding it answers"))  # type: ignore[arg-type]
    agency = forms.ModelChoiceField(queryset=None, required=False, label=_("Owning agency"))  # type: ignore[arg-type]
    owner_name = forms.CharField(max_length=200, required=False, label=_("Named owner"))
    due_date = forms.DateField(required=False, label=_("Due"), widget=DATE)
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.PLANNED, label=_("Status"))
    note = forms.CharField(widget=forms.Textarea, required=False, label=_("Progress note"))

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = plan.findings.all()  # type: ignore[attr-defined]
        self.fields["finding"].label_from_instance = lambda f: f.text[:100]  # type: ignore[attr-defined]
        partner_ids = list(plan.partners.values_list("organisation_id", flat=True))
        self.fields["agency"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[plan.organisation_id, *partner_ids]
        )


class PartnerForm(forms.Form):
    """A partner organisation to join the plan."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Partner organisation"),
        error_messages={"required": _("Choose the organisation")},
    )

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        joined = list(plan.partners.values_list("organisation_id", flat=True))
        self.fields["organisation"].queryset = Organisation.objects.exclude(  # type: ignore[attr-defined]
            pk__in=[plan.organisation_id, *joined]
        )


class OverrideForm(forms.Form):
    """A supervisor's score override."""

    score = forms.IntegerField(
        min_value=0, max_value=100, required=False, label=_("Score (0 to 100)"), help_text=_("Leave empty to remove")
    )
    reason = forms.CharField(
        widget=forms.Textarea, label=_("Reason"), error_messages={"required": _("Say why you are overriding")}
    )


class SurveyForm(forms.Form):
    """Residents' survey results as a CSV."""

    name = forms.CharField(max_length=200, required=False, label=_("Name"))
    file = forms.FileField(label=_("CSV file"), error_messages={"required": _("Choose a CSV file")})
