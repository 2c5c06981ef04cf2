"""Problem-solving plans (SARA: scanning, analysis, response, assessment), their actions and history.

A plan is not personal data by default, but its free text may name people, so every change to it is
audited, and it is seen only by its owning organisation and the partner organisations that joined it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where a plan has got to in SARA; closed is final."""

    SCANNING = "scanning", _("Scanning")
    ANALYSIS = "analysis", _("Analysis")
    RESPONSE = "response", _("Response")
    ASSESSMENT = "assessment", _("Assessment")
    CLOSED = "closed", _("Closed")


STAGE_ORDER = [Stage.SCANNING, Stage.ANALYSIS, Stage.RESPONSE, Stage.ASSESSMENT, Stage.CLOSED]
OPEN_STAGES = frozenset(STAGE_ORDER[:-1])


class ProblemType(models.TextChoices):
    """The kind of recurring problem, for the dashboard's top problem types."""

    ASB = "asb", _("Anti-social behaviour")
    YOUTH_DISORDER = "youth_disorder", _("Young people causing disorder")
    DRUGS = "drugs", _("Drug dealing or use")
    BURGLARY = "burglary", _("Burglary")
    VEHICLE_CRIME = "vehicle_crime", _("Vehicle crime")
    CRIMINAL_DAMAGE = "criminal_damage", _("Criminal damage")
    VIOLENCE = "violence", _("Violence in a public place")
    SHOPLIFTING = "shoplifting", _("Shoplifting")
    ROAD_SAFETY = "road_safety", _("Road safety")
    OTHER = "other", _("Other")


class DataSourceKind(models.TextChoices):
    """What a data source behind a plan is."""

    POLICE_EVENTS = "police_events", _("Police recorded events")
    CALLS = "calls", _("Calls for service")
    REPEAT_LOCATIONS = "repeat_locations", _("Repeat-location list")
    COMMUNITY_INPUT = "community_input", _("Community input")
    PARTNER_DATA = "partner_data", _("Partner data")
    SURVEY = "survey", _("Survey")


# The kinds that are police data unless the person recording says otherwise.
POLICE_KINDS = frozenset({DataSourceKind.POLICE_EVENTS, DataSourceKind.CALLS, DataSourceKind.REPEAT_LOCATIONS})
COMMUNITY_KINDS = frozenset({DataSourceKind.COMMUNITY_INPUT, DataSourceKind.SURVEY})


class Impact(models.TextChoices):
    """The impact scale a SMART objective aims at (Eck and Spelman's five kinds of effect)."""

    ELIMINATE = "eliminate", _("Eliminate the problem")
    REDUCE = "reduce", _("Reduce how often it happens")
    REDUCE_HARM = "reduce_harm", _("Reduce the harm it causes")
    HANDLE_BETTER = "handle_better", _("Handle it better")
    MOVE_RESPONSIBILITY = "move_responsibility", _("Move responsibility to whoever should own it")


class Technique(models.TextChoices):
    """The 25 techniques of situational crime prevention (Cornish and Clarke 2003), and four other kinds."""

    # Increase the effort
    TARGET_HARDEN = "target_harden", _("Target harden")
    CONTROL_ACCESS = "control_access", _("Control access to facilities")
    SCREEN_EXITS = "screen_exits", _("Screen exits")
    DEFLECT_OFFENDERS = "deflect_offenders", _("Deflect offenders")
    CONTROL_TOOLS = "control_tools", _("Control tools and weapons")
    # Increase the risks
    EXTEND_GUARDIANSHIP = "extend_guardianship", _("Extend guardianship")
    NATURAL_SURVEILLANCE = "natural_surveillance", _("Assist natural surveillance")
    REDUCE_ANONYMITY = "reduce_anonymity", _("Reduce anonymity")
    PLACE_MANAGERS = "place_managers", _("Utilise place managers")
    FORMAL_SURVEILLANCE = "formal_surveillance", _("Strengthen formal surveillance")
    # Reduce the rewards
    CONCEAL_TARGETS = "conceal_targets", _("Conceal targets")
    REMOVE_TARGETS = "remove_targets", _("Remove targets")
    IDENTIFY_PROPERTY = "identify_property", _("Identify property")
    DISRUPT_MARKETS = "disrupt_markets", _("Disrupt markets")
    DENY_BENEFITS = "deny_benefits", _("Deny benefits")
    # Reduce provocations
    REDUCE_FRUSTRATION = "reduce_frustration", _("Reduce frustrations and stress")
    AVOID_DISPUTES = "avoid_disputes", _("Avoid disputes")
    REDUCE_AROUSAL = "reduce_arousal", _("Reduce emotional arousal")
    NEUTRALISE_PEER_PRESSURE = "neutralise_peer_pressure", _("Neutralise peer pressure")
    DISCOURAGE_IMITATION = "discourage_imitation", _("Discourage imitation")
    # Remove excuses
    SET_RULES = "set_rules", _("Set rules")
    POST_INSTRUCTIONS = "post_instructions", _("Post instructions")
    ALERT_CONSCIENCE = "alert_conscience", _("Alert conscience")
    ASSIST_COMPLIANCE = "assist_compliance", _("Assist compliance")
    CONTROL_DRUGS_ALCOHOL = "control_drugs_alcohol", _("Control drugs and alcohol")
    # Other kinds of response
    ENFORCEMENT = "enforcement", _("Enforcement")
    DIVERSION = "diversion", _("Diversion")
    ENGAGEMENT = "engagement", _("Engagement")
    SUPPORT = "support", _("Support")


SITUATIONAL_TECHNIQUES = frozenset(Technique.values[:25])


class ActionStatus(models.TextChoices):
    """Where one action has got to."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


CLOSED_ACTION_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.DROPPED})


class ComparisonKind(models.TextChoices):
    """How the after measure is judged."""

    NONE = "", _("No comparison")
    COMPARISON_AREA = "comparison_area", _("Against a comparison area")
    TIME_SERIES = "time_series", _("As an interrupted time series")


class Decision(models.TextChoices):
    """What the assessment decided."""

    CLOSE = "close", _("Close: the problem is solved or reduced enough")
    CONTINUE = "continue", _("Continue: go back to the response")
    HAND_OVER = "hand_over", _("Hand over to another owner")


class EmmieEffect(models.TextChoices):
    """The College of Policing crime reduction toolkit's summary of a measure's effect (the E of EMMIE)."""

    REDUCED = "reduced", _("Overall reduced crime")
    MIXED = "mixed", _("Mixed effect on crime")
    NO_EFFECT = "no_effect", _("No impact on crime")
    INCREASED = "increased", _("Overall increased crime")
    UNKNOWN = "unknown", _("Not known")


class ProblemPlan(models.Model):
    """One recurring problem worked through SARA by a team with its partners."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what the problem is"), blank=True)
    problem_type = models.CharField(_("problem type"), max_length=30, choices=ProblemType.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="problem_plans", verbose_name=_("owner")
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="problem_plans")
    area = models.ForeignKey("places.Area", on_delete=models.PROTECT, related_name="problem_plans")
    areas = models.ManyToManyField("places.Area", blank=True, related_name="+", verbose_name=_("other areas"))
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervised_problem_plans"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.SCANNING, db_index=True)
    # A move someone asked for that waits for the supervisor.
    pending_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    pending_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    # Scanning
    addresses = models.TextField(_("addresses"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    when_happens = models.TextField(_("when it happens"), blank=True)
    who_harmed = models.TextField(_("who is harmed"), blank=True)
    how_noticed = models.TextField(_("how it came to notice"), blank=True)
    baseline_measure = models.CharField(_("what is measured"), max_length=300, blank=True)
    baseline_value = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_start = models.DateField(_("baseline period start"), null=True, blank=True)
    baseline_end = models.DateField(_("baseline period end"), null=True, blank=True)

    # Analysis: the problem analysis triangle, each side with who controls it
    offender = models.TextField(_("offender"), blank=True)
    offender_handler = models.TextField(_("handler"), blank=True)
    victim = models.TextField(_("victim"), blank=True)
    victim_guardian = models.TextField(_("guardian"), blank=True)
    location = models.TextField(_("location"), blank=True)
    location_manager = models.TextField(_("manager"), blank=True)
    question_what = models.TextField(_("what"), blank=True)
    question_where = models.TextField(_("where"), blank=True)
    question_when = models.TextField(_("when"), blank=True)
    question_who = models.TextField(_("who"), blank=True)
    question_why = models.TextField(_("why"), blank=True)
    question_how = models.TextField(_("how"), blank=True)
    concentration_time = models.TextField(_("concentration in time"), blank=True)
    concentration_place = models.TextField(_("concentration in place"), blank=True)
    concentration_from_data = models.BooleanField(_("concentration shown from data"), default=False)
    hypothesis = models.TextField(_("causal hypothesis"), blank=True)

    # Response
    objective = models.TextField(_("SMART objective"), blank=True)
    impact = models.CharField(_("impact aimed at"), max_length=30, choices=Impact.choices, blank=True)

    # Assessment
    after_value = models.FloatField(_("after"), null=True, blank=True)
    after_start = models.DateField(_("after period start"), null=True, blank=True)
    after_end = models.DateField(_("after period end"), null=True, blank=True)
    comparison_kind = models.CharField(
        _("comparison"), max_length=20, choices=ComparisonKind.choices, blank=True, default=""
    )
    comparison_area = models.ForeignKey(
        "places.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comparison_baseline = models.FloatField(_("comparison area baseline"), null=True, blank=True)
    comparison_after = models.FloatField(_("comparison area after"), null=True, blank=True)
    displacement_checked = models.BooleanField(_("displacement checked"), default=False)
    displacement_note = models.TextField(_("what the displacement check found"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)

    # The quality score: computed from the fields above whenever the plan changes; a supervisor may override.
    score = models.PositiveSmallIntegerField(default=0)
    score_rubric_version = models.CharField(max_length=10, blank=True)
    score_override = models.PositiveSmallIntegerField(null=True, blank=True)
    score_override_reason = models.TextField(blank=True)
    score_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "stage"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """Returns the plan's reference as people say it (P-000042)."""
        return f"P-{self.pk:06d}" if self.pk else "P-new"

    @property
    def effective_score(self) -> int:
        """Returns the score shown: the supervisor's override when there is one, else the computed score."""
        return self.score_override if self.score_override is not None else self.score

    @property
    def is_open(self) -> bool:
        """Returns whether the plan is still being worked."""
        return self.stage != Stage.CLOSED


class PlanPartner(models.Model):
    """A partner organisation that joined a plan: its staff see the plan and update their own actions."""

    plan = models.ForeignKey(ProblemPlan, on_delete=models.PROTECT, related_name="partners")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "organisation"], name="plan_partner_once")]

    def __str__(self) -> str:
        return f"{self.organisation_id} on {self.plan_id}"


class DataSource(models.Model):
    """One source of data behind a plan."""

    plan = models.ForeignKey(ProblemPlan, on_delete=models.PROTECT, related_name="data_sources")
    kind = models.CharField(_("kind"), max_length=30, choices=DataSourceKind.choices)
    is_police = models.BooleanField(_("police data"), default=True)
    description = models.CharField(_("description"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.description


class Finding(models.Model):
    """One finding of the analysis, which responses answer."""

    plan = models.ForeignKey(ProblemPlan, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField(_("finding"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class EvidenceReference(models.Model):
    """Evidence consulted, such as a College of Policing crime reduction toolkit entry with its EMMIE rating."""

    plan = models.ForeignKey(ProblemPlan, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("where it is from"), max_length=300, blank=True)
    effect = models.CharField(_("effect (EMMIE)"), max_length=20, choices=EmmieEffect.choices)
    # The toolkit rates the strength of the evidence for the effect from 0 to 3 (its padlocks).
    evidence_strength = models.PositiveSmallIntegerField(_("strength of evidence (0 to 3)"), default=0)
    notes = models.TextField(_("mechanism, moderators, implementation and cost"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    """One response action, owned by one agency, answering a finding."""

    plan = models.ForeignKey(ProblemPlan, on_delete=models.PROTECT, related_name="actions")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(_("action"))
    technique = models.CharField(_("technique"), max_length=40, choices=Technique.choices)
    agency = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="problem_actions"
    )
    owner_name = models.CharField(_("named owner"), max_length=200, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    note = models.TextField(_("progress note"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_complete(self) -> bool:
        """Returns whether the action names its owner, its agency and a due date."""
        return bool(self.owner_name.strip() and self.agency_id and self.due_date)


class PlanEvent(models.Model):
    """One thing that happened to a plan: who, when, what, and any stage move."""

    plan = models.ForeignKey(ProblemPlan, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=40)
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.kind}"


class SurveyUpload(models.Model):
    """Residents' survey results attached to a plan as a CSV, kept with a summary of each column."""

    plan = models.ForeignKey(ProblemPlan, on_delete=models.PROTECT, related_name="surveys")
    name = models.CharField(_("name"), max_length=200)
    content = models.TextField()
    row_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=list)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
