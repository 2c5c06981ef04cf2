"""People and households in casework, and a person's role in a record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalRegime(models.TextChoices):
    """The law a controller processes a person's data under."""

    LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement processing (Data Protection Act 2018, Part 3)")
    UK_GDPR = "uk_gdpr", _("UK GDPR (Data Protection Act 2018, Part 2)")


class RetentionClass(models.TextChoices):
    """How long a person record is kept; each class's period is in RETENTION_PERIODS."""

    ENQUIRY = "enquiry", _("Enquiry, no further action")
    CASEWORK = "casework", _("Prevention casework")
    SAFEGUARDING_CHILD = "safeguarding_child", _("Child safeguarding")
    MOPI_GROUP_3 = "mopi_group_3", _("MoPI group 3 (other police information)")
    MOPI_GROUP_2 = "mopi_group_2", _("MoPI group 2 (sexual, violent or serious)")
    MOPI_GROUP_1 = "mopi_group_1", _("MoPI group 1 (certain public protection matters)")


# The periods are Upstream's defaults, written out so a controller can compare them with its own retention
# schedule; the MoPI groups follow the College of Policing's Authorised Professional Practice on the
# Management of Police Information. "Review" means a person decides; nothing is erased unseen.
RETENTION_PERIODS: dict[str, object] = {
    RetentionClass.ENQUIRY: _("Review 12 months after the last activity."),
    RetentionClass.CASEWORK: _("Review 6 years after the case closes."),
    RetentionClass.SAFEGUARDING_CHILD: _(
        "Review on the person's 25th birthday or 6 years after the case closes, whichever is later."
    ),
    RetentionClass.MOPI_GROUP_3: _("Review after a clear period of 6 years."),
    RetentionClass.MOPI_GROUP_2: _("Review every 10 years."),
    RetentionClass.MOPI_GROUP_1: _("Keep until the person is 100 years old, reviewing every 10 years."),
}


class DatePrecision(models.TextChoices):
    """How much of a date of birth is known: a year only, a month and year, or the full date."""

    YEAR = "year", _("Year only")
    MONTH = "month", _("Month and year")
    DAY = "day", _("Full date")


class Sex(models.TextChoices):
    """Sex as recorded; X for another sex or not specified, U when nobody knows."""

    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "X", _("Other or not specified")
    UNKNOWN = "U", _("Not known")


class Person(models.Model):
    """A person casework needs to know about, held by one controller for one purpose."""

    controller = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="people", verbose_name=_("controller")
    )
    legal_regime = models.CharField(_("legal regime"), max_length=20, choices=LegalRegime.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    retention_class = models.CharField(
        _("retention class"), max_length=30, choices=RetentionClass.choices, default=RetentionClass.CASEWORK
    )

    forenames = models.CharField(_("first names"), max_length=200, blank=True)
    surname = models.CharField(_("last name"), max_length=200, blank=True)
    other_names = models.CharField(_("other names"), max_length=300, blank=True)
    # A partial date of birth is stored as its first day (1 January for a year, the 1st for a month) with
    # the precision beside it, so dates sort and compare while "born 1987" is never shown as 1 January.
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    date_of_birth_precision = models.CharField(
        _("date of birth known to"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)

    address_line_1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line_2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    town = models.CharField(_("town or city"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)

    # The id the analytics side gave this person when it resolved records to people (entity resolution).
    resolved_person_id = models.CharField(_("resolved person id"), max_length=64, null=True, blank=True, db_index=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Erasure blanks the personal fields and keeps this row as a tombstone, so records that point at the
    # person and the audit log that names its id still resolve.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["surname", "forenames", "pk"]
        indexes = [models.Index(fields=["controller", "surname", "forenames"])]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def is_erased(self) -> bool:
        """Returns whether the person's details have been erased."""
        return self.erased_at is not None

    @property
    def full_name(self) -> str:
        """Returns the person's name as it is usually written."""
        return " ".join(part for part in (self.forenames, self.surname) if part)

    @property
    def retention_period(self) -> object:
        """Returns the retention period of the person's retention class, in words."""
        return RETENTION_PERIODS.get(self.retention_class, "")


# The fields erasure blanks: everything that identifies or contacts the person.
PERSONAL_FIELDS = (
    "forenames",
    "surname",
    "other_names",
    "date_of_birth",
    "date_of_birth_precision",
    "sex",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
    "resolved_person_id",
)


class Household(models.Model):
    """People who live at one address, held by one controller."""

    controller = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="households", verbose_name=_("controller")
    )
    address_line_1 = models.CharField(_("address line 1"), max_length=200)
    address_line_2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    town = models.CharField(_("town or city"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    area = models.ForeignKey(
        "places.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("area"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["postcode", "address_line_1", "pk"]
        verbose_name = _("household")

    def __str__(self) -> str:
        return f"Household {self.pk}"

    @property
    def address(self) -> str:
        """Returns the household's address on one line."""
        return ", ".join(p for p in (self.address_line_1, self.address_line_2, self.town, self.postcode) if p)


class HouseholdRelationship(models.TextChoices):
    """A member's relationship to the head of the household."""

    HEAD = "head", _("Head of household")
    PARTNER = "partner", _("Partner or spouse")
    CHILD = "child", _("Child")
    STEPCHILD = "stepchild", _("Stepchild")
    FOSTER_CHILD = "foster_child", _("Foster child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    LODGER = "lodger", _("Lodger")
    OTHER = "other", _("Other, not related")


class HouseholdMembership(models.Model):
    """A person living in a household from one date to another."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_memberships")
    relationship = models.CharField(
        _("relationship to the head of household"), max_length=20, choices=HouseholdRelationship.choices
    )
    from_date = models.DateField(_("from"), null=True, blank=True)
    to_date = models.DateField(_("to"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household", "from_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_date__isnull=True)
                | models.Q(from_date__isnull=True)
                | models.Q(to_date__gte=models.F("from_date")),
                name="household_membership_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"Person {self.person_id} in household {self.household_id}"


class RecordRoleKind(models.TextChoices):
    """The part a person plays in a record."""

    VICTIM = "victim", _("Victim")
    SUSPECT = "suspect", _("Suspect")
    WITNESS = "witness", _("Witness")
    CHILD_PRESENT = "child_present", _("Child present")
    MISSING_PERSON = "missing_person", _("Missing person")
    REPORTER = "reporter", _("Reporter")
    SUBJECT = "subject", _("Subject of the record")
    PARENT_OR_CARER = "parent_or_carer", _("Parent or carer")
    OTHER = "other", _("Other")


class Basis(models.TextChoices):
    """Whether a role is an established fact or someone's assessment (which may later prove wrong)."""

    FACT = "fact", _("Fact")
    ASSESSMENT = "assessment", _("Assessment")


class PersonRecordRole(models.Model):
    """A person's role in a record of another capability (a referral, an incident, a plan)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="record_roles")
    # A loose reference ("referrals.referral", "42") so this package depends on no later capability.
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.CharField(_("record id"), max_length=100)
    role = models.CharField(_("role"), max_length=20, choices=RecordRoleKind.choices)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "pk"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"Person {self.person_id} as {self.role} in {self.record_type}:{self.record_id}"
