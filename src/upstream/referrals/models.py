"""Referrals to directory services and programmes, their history, programmes and enrolments, API keys.

A referral's status follows the HL7 FHIR Task statuses (see ``FHIR_TASK_STATUS``); its allowed moves are
in ``TRANSITIONS``. Nothing here is ever deleted: a referral ends withdrawn, declined, completed or not
engaged, and its events say who moved it and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Where a referral has got to."""

    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOT_ENGAGED = "not_engaged", _("Not engaged")


# The FHIR R4 Task.status each of our statuses maps to, for partners whose case systems speak FHIR.
FHIR_TASK_STATUS = {
    Status.DRAFT: "draft",
    Status.SENT: "requested",
    Status.RECEIVED: "received",
    Status.ACCEPTED: "accepted",
    Status.DECLINED: "rejected",
    Status.IN_PROGRESS: "in-progress",
    Status.COMPLETED: "completed",
    Status.WITHDRAWN: "cancelled",
    Status.NOT_ENGAGED: "failed",
}

# Every allowed move: from a status to the statuses it may go to. The other moves are refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SENT, Status.WITHDRAWN}),
    Status.SENT: frozenset({Status.RECEIVED, Status.WITHDRAWN}),
    Status.RECEIVED: frozenset({Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN}),
    Status.ACCEPTED: frozenset({Status.IN_PROGRESS, Status.WITHDRAWN, Status.NOT_ENGAGED}),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED, Status.WITHDRAWN, Status.NOT_ENGAGED}),
    Status.DECLINED: frozenset(),
    Status.COMPLETED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.NOT_ENGAGED: frozenset(),
}
OPEN_STATUSES = frozenset(s for s, moves in TRANSITIONS.items() if moves)
CLOSED_STATUSES = frozenset(s for s, moves in TRANSITIONS.items() if not moves)
# The timestamp field each status sets when a referral enters it.
STATUS_TIMESTAMP = {
    Status.SENT: "sent_at",
    Status.RECEIVED: "received_at",
    Status.ACCEPTED: "accepted_at",
    Status.DECLINED: "declined_at",
    Status.IN_PROGRESS: "started_at",
    Status.COMPLETED: "completed_at",
    Status.WITHDRAWN: "withdrawn_at",
    Status.NOT_ENGAGED: "not_engaged_at",
}


class Urgency(models.TextChoices):
    """How soon the person needs help."""

    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Soon (within a week)")
    URGENT = "urgent", _("Urgent (within a day)")


class SourceKind(models.TextChoices):
    """What the referral came from."""

    TRIGGER = "trigger", _("A trigger")
    PROBLEM_PLAN = "problem_plan", _("A problem-solving plan")
    CALL = "call", _("A call for service")
    CASE = "case", _("A case")
    SELF_REFERRAL = "self_referral", _("Self-referral")
    OTHER = "other", _("Other")


class ConsentBasis(models.TextChoices):
    """Whether the person consented to the sharing, or another lawful basis applies."""

    CONSENT = "consent", _("Consent")
    LAWFUL_BASIS = "lawful_basis", _("Another lawful basis")


class ConsentGivenBy(models.TextChoices):
    """Who gave consent."""

    PERSON = "person", _("The person")
    PARENT_GUARDIAN = "parent_guardian", _("A parent or guardian")
    OTHER = "other", _("Someone else with authority")


class LawfulBasis(models.TextChoices):
    """The basis for sharing without consent, with the law it rests on."""

    SAFEGUARDING = "safeguarding", _("Safeguarding children or individuals at risk (DPA 2018 Sch 8 para 4)")
    LAW_ENFORCEMENT = "law_enforcement", _("Strictly necessary for a law-enforcement purpose (DPA 2018 s.35)")
    VITAL_INTERESTS = "vital_interests", _("To protect someone's life (vital interests)")
    PUBLIC_TASK = "public_task", _("A public task set out in law (UK GDPR Art 6(1)(e))")
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation (UK GDPR Art 6(1)(c))")


class DeclineReason(models.TextChoices):
    """Why a receiving organisation declined a referral (these feed the directory's gap analysis)."""

    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NO_CAPACITY = "no_capacity", _("No capacity")
    DUPLICATE = "duplicate", _("Duplicate referral")
    DECLINED_BY_PERSON = "declined_by_person", _("Declined by the person")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    """What happened in the end."""

    ENGAGED = "engaged", _("Engaged")
    GOALS_PARTLY_MET = "goals_partly_met", _("Goals met in part")
    GOALS_MET = "goals_met", _("Goals met in full")
    RE_REFERRED = "re_referred", _("Re-referred elsewhere")
    NOT_ENGAGED = "not_engaged", _("Not engaged")


class AgeBand(models.TextChoices):
    """Age bands for statistics (a band, never a date of birth, is kept with the referral)."""

    UNDER_10 = "0-9", _("Under 10")
    AGE_10_17 = "10-17", _("10 to 17")
    AGE_18_24 = "18-24", _("18 to 24")
    AGE_25_34 = "25-34", _("25 to 34")
    AGE_35_49 = "35-49", _("35 to 49")
    AGE_50_64 = "50-64", _("50 to 64")
    AGE_65_PLUS = "65+", _("65 and over")
    UNKNOWN = "unknown", _("Not known")


class EligibleSex(models.TextChoices):
    """Who a programme is for by sex."""

    ANY = "", _("Anyone")
    FEMALE = "F", _("Women and girls only")
    MALE = "M", _("Men and boys only")


class CapacityKind(models.TextChoices):
    """Whether a programme's places are over its whole run or at any one time."""

    TOTAL = "total", _("Places over the whole programme")
    CONCURRENT = "concurrent", _("Places at any one time")


class ReceivingService(models.Model):
    """A directory service that takes referrals through Upstream: who receives them, and how fast."""

    service = models.OneToOneField(
        "directory.Service", on_delete=models.PROTECT, related_name="referral_settings", verbose_name=_("service")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving organisation")
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(_("acknowledge within (working days)"), default=5)
    accepts_self_referrals = models.BooleanField(_("accepts self-referrals"), default=False)

    class Meta:
        verbose_name = _("receiving service")

    def __str__(self) -> str:
        return f"{self.service_id} → {self.organisation_id}"


class Programme(models.Model):
    """An intervention with places, a waiting list, eligibility, a start and end, and conditions."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="programmes", verbose_name=_("organisation")
    )
    places = models.PositiveIntegerField(_("places"))
    capacity_kind = models.CharField(
        _("places are"), max_length=10, choices=CapacityKind.choices, default=CapacityKind.CONCURRENT
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    eligible_sex = models.CharField(_("for"), max_length=1, choices=EligibleSex.choices, blank=True, default="")
    client_groups = models.JSONField(_("client groups"), default=list, blank=True)
    need_categories = models.JSONField(_("need categories"), default=list, blank=True)
    conditions = models.TextField(
        _("conditions attached"),
        blank=True,
        help_text=_("For example: attending this course is a condition of an out-of-court disposal."),
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(_("acknowledge within (working days)"), default=5)
    accepts_self_referrals = models.BooleanField(_("accepts self-referrals"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(maximum_age__gte=models.F("minimum_age")),
                name="programme_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """A request that a service or programme helps a person, followed to its outcome."""

    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    receiving_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    referring_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_made"
    )

    reason = models.TextField(_("reason"))
    need_categories = models.JSONField(_("needs"), default=list, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    source_kind = models.CharField(_("came from"), max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER)
    source_reference = models.CharField(_("source reference"), max_length=100, blank=True)
    area = models.ForeignKey(
        "places.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    # Kept for statistics so they survive the person's erasure; a band, never a date of birth.
    person_sex = models.CharField(_("sex"), max_length=1, blank=True)
    person_age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)

    # A member of the public referring themselves gives contact details here, not a person record: the
    # receiving organisation decides whether to open one. Blanked with the referral's erasure.
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)

    consent_basis = models.CharField(_("basis for sharing"), max_length=20, choices=ConsentBasis.choices, blank=True)
    consent_given_by = models.CharField(
        _("consent given by"), max_length=20, choices=ConsentGivenBy.choices, blank=True
    )
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_scope = models.CharField(_("consent covers"), max_length=500, blank=True)
    lawful_basis = models.CharField(_("lawful basis"), max_length=20, choices=LawfulBasis.choices, blank=True)
    lawful_basis_reason = models.TextField(_("why consent is not the basis"), blank=True)

    # Whom the referrer says the person is, against the client groups the service or programme is for; and,
    # when the person falls outside its rules (sex, age, groups), what did not fit and why they were referred.
    client_groups = models.JSONField(_("client groups"), default=list, blank=True)
    eligibility_problems = models.JSONField(_("outside the eligibility"), default=list, blank=True)
    eligibility_override_reason = models.TextField(_("why referred outside the eligibility"), blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=1)
    decline_reason = models.CharField(_("decline reason"), max_length=20, choices=DeclineReason.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("what happened"), blank=True)
    # The working day by which the receiving organisation should acknowledge it, set when it is sent.
    acknowledge_by = models.DateField(_("acknowledge by"), null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    not_engaged_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["receiving_organisation", "status"]),
            models.Index(fields=["referring_organisation", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(service__isnull=False) & models.Q(programme__isnull=True))
                | (models.Q(service__isnull=True) & models.Q(programme__isnull=False)),
                name="referral_to_one_service_or_programme",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """Returns the referral's reference as people say it (R-000042)."""
        return f"R-{self.pk:06d}" if self.pk else "R-new"

    @property
    def target_name(self) -> str:
        """Returns the name of the service or programme the referral is to."""
        target = self.service if self.service_id else self.programme
        return str(target) if target is not None else ""

    @property
    def fhir_status(self) -> str:
        """Returns the FHIR Task status of the referral."""
        return FHIR_TASK_STATUS[Status(self.status)]

    @property
    def has_basis(self) -> bool:
        """Returns whether the referral records consent or a lawful basis with its reason."""
        if self.consent_basis == ConsentBasis.CONSENT:
            return bool(self.consent_given_by and self.consent_given_at and self.consent_scope.strip())
        if self.consent_basis == ConsentBasis.LAWFUL_BASIS:
            return bool(self.lawful_basis and self.lawful_basis_reason.strip())
        return False

    @property
    def is_self_referral(self) -> bool:
        """Returns whether a member of the public made the referral."""
        return self.source_kind == SourceKind.SELF_REFERRAL


class ReferralEvent(models.Model):
    """One move of a referral: who, when, from which status to which, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
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
        return f"{self.referral_id}: {self.from_status or '-'} → {self.to_status}"


class EnrolmentStatus(models.TextChoices):
    """Where a person is on a programme."""

    WAITING = "waiting", _("On the waiting list")
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    """A person's place (or place in the queue) on a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="enrolments")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=10, choices=EnrolmentStatus.choices)
    waiting_position = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("what happened"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "status", "waiting_position", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=models.Q(status__in=["waiting", "enrolled"]),
                name="one_open_enrolment_per_person_and_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"Person {self.person_id} on programme {self.programme_id}: {self.status}"


class Notification(models.Model):
    """A message to one user in Upstream (and by email): never personal data, only a reference and a link."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message


class ApiKey(models.Model):
    """A partner case system's key to the referrals API; only a hash of the key is stored."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    # The API acts as this service account, so the policy and the audit log treat API calls like any user's.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
