"""The Pathways directory: Open Referral HSDS 3.0 tables, plus the Upstream profile's fields.

Field names are the HSDS names, so that import, export and the API map one to one. Foreign keys are named
for the HSDS object (``organization``), which gives Django's ``organization_id`` the HSDS key name. The
Upstream profile's own fields (profile/upstream-pathways.json) are declared there and exported with the
data; ``area`` links are ours and are not published.
"""

# ruff: noqa: DJ008, D101 - the HSDS tables are documented field by field by the HSDS specification

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _fk(to: str, related_name: str) -> models.ForeignKey:
    return models.ForeignKey(to, null=True, blank=True, on_delete=models.CASCADE, related_name=related_name)


class HSDSRecord(models.Model):
    """Every HSDS object has a UUID id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class Taxonomy(HSDSRecord):
    """A vocabulary of terms (e.g. Open Eligibility, or our need categories)."""

    name = models.TextField(_("name"))
    description = models.TextField(_("description"), blank=True)
    uri = models.TextField(blank=True)
    version = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HSDSRecord):
    """One term of a taxonomy."""

    code = models.TextField(blank=True, db_index=True)
    name = models.TextField(_("name"))
    description = models.TextField(_("description"), blank=True)
    parent_id = models.UUIDField(null=True, blank=True, db_index=True)
    taxonomy = models.TextField(blank=True)  # HSDS's free-text taxonomy name
    taxonomy_detail = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.SET_NULL, related_name="terms"
    )
    language = models.TextField(blank=True)
    term_uri = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(HSDSRecord):
    """An organisation that provides services."""

    name = models.TextField(_("name"))
    alternate_name = models.TextField(blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.TextField(blank=True)
    website = models.TextField(blank=True)
    tax_status = models.TextField(blank=True)
    tax_id = models.TextField(blank=True)
    year_incorporated = models.FloatField(null=True, blank=True)
    legal_status = models.TextField(blank=True)
    logo = models.TextField(blank=True)
    uri = models.TextField(blank=True)
    parent_organization_id = models.UUIDField(null=True, blank=True)
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Program(HSDSRecord):
    """A group of services run together by one organisation."""

    organization = _fk("Organization", "programs")
    name = models.TextField()
    alternate_name = models.TextField(blank=True)
    description = models.TextField(blank=True)


class OrganizationIdentifier(HSDSRecord):
    """A third-party identifier of an organisation (charity number, company number)."""

    organization = _fk("Organization", "organization_identifiers")
    identifier_scheme = models.TextField(blank=True)
    identifier_type = models.TextField()
    identifier = models.TextField()


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Closed")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class Sex(models.TextChoices):
    ANY = "", _("Anyone")
    FEMALE = "female", _("Women and girls only")
    MALE = "male", _("Men and boys only")


class Service(HSDSRecord):
    """A service: what a person can get, from whom, on what terms."""

    organization = _fk("Organization", "services")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="services")
    name = models.TextField(_("name"))
    alternate_name = models.TextField(blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.TextField(blank=True)
    email = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE, db_index=True)
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    wait_time = models.TextField(blank=True)
    fees = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    assured_date = models.TextField(blank=True)
    assurer_email = models.TextField(blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    # The Upstream Pathways profile (profile/upstream-pathways.json), exported under the same names.
    eligibility_sex = models.CharField(max_length=10, choices=Sex.choices, blank=True, default="")
    client_groups = models.JSONField(default=list, blank=True)
    need_categories = models.JSONField(default=list, blank=True)
    attendance_modes = models.JSONField(default=list, blank=True)
    capacity_status = models.CharField(max_length=20, blank=True)
    open_on_bank_holidays = models.BooleanField(default=False)
    last_verified_at = models.DateField(null=True, blank=True)
    last_verified_by = models.TextField(blank=True)
    recheck_interval_days = models.PositiveIntegerField(default=180)

    # Denormalised, for filtering on every database the same way: "|code|code|" (see search/base.py).
    filter_tokens = models.TextField(blank=True, editable=False)
    is_free = models.BooleanField(default=False, editable=False)
    # The schedules of the service and its places, copied here so "open now" needs no second query.
    opening_rules = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "minimum_age", "maximum_age"])]

    def __str__(self) -> str:
        return self.name


class Location(HSDSRecord):
    """A place where services are given (physical, postal or virtual)."""

    location_type = models.CharField(max_length=20, default="physical")
    url = models.TextField(blank=True)
    organization = _fk("Organization", "locations")
    name = models.TextField(blank=True)
    alternate_name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.TextField(blank=True)
    external_identifier_type = models.TextField(blank=True)
    # Ours: the neighbourhood the point falls in (places.Area), when boundaries are loaded.
    area = models.ForeignKey("places.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(HSDSRecord):
    """A service given at one location."""

    service = _fk("Service", "service_at_locations")
    location = _fk("Location", "service_at_locations")
    description = models.TextField(blank=True)


class Address(HSDSRecord):
    location = _fk("Location", "addresses")
    attention = models.TextField(blank=True)
    address_1 = models.TextField()
    address_2 = models.TextField(blank=True)
    city = models.TextField(blank=True)
    region = models.TextField(blank=True)
    state_province = models.TextField(blank=True)
    postal_code = models.TextField(blank=True, db_index=True)
    country = models.TextField(blank=True)
    address_type = models.CharField(max_length=20, default="physical")


class Contact(HSDSRecord):
    organization = _fk("Organization", "contacts")
    service = _fk("Service", "contacts")
    service_at_location = _fk("ServiceAtLocation", "contacts")
    location = _fk("Location", "contacts")
    name = models.TextField(blank=True)
    title = models.TextField(blank=True)
    department = models.TextField(blank=True)
    email = models.TextField(blank=True)


class Phone(HSDSRecord):
    location = _fk("Location", "phones")
    service = _fk("Service", "phones")
    organization = _fk("Organization", "phones")
    contact = _fk("Contact", "phones")
    service_at_location = _fk("ServiceAtLocation", "phones")
    number = models.TextField()
    extension = models.FloatField(null=True, blank=True)
    type = models.TextField(blank=True)
    description = models.TextField(blank=True)


class Schedule(HSDSRecord):
    """Opening hours as an iCalendar-style rule (RRULE), or, in our profile, a closure."""

    service = _fk("Service", "schedules")
    location = _fk("Location", "schedules")
    service_at_location = _fk("ServiceAtLocation", "schedules")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.IntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, blank=True)
    interval = models.IntegerField(null=True, blank=True)
    byday = models.TextField(blank=True)
    byweekno = models.TextField(blank=True)
    bymonthday = models.TextField(blank=True)
    byyearday = models.TextField(blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.TextField(blank=True)
    attending_type = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    closed = models.BooleanField(default=False)  # profile: this schedule lists days the service is shut


class ServiceArea(HSDSRecord):
    service = _fk("Service", "service_areas")
    name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.TextField(blank=True)
    uri = models.TextField(blank=True)
    area = models.ForeignKey("places.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


class Language(HSDSRecord):
    service = _fk("Service", "languages")
    location = _fk("Location", "languages")
    phone = _fk("Phone", "languages")
    name = models.TextField(blank=True)
    code = models.TextField(blank=True)
    note = models.TextField(blank=True)


class Accessibility(HSDSRecord):
    location = _fk("Location", "accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "accessibility"


class CostOption(HSDSRecord):
    service = _fk("Service", "cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.TextField(blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.FloatField(null=True, blank=True)
    amount_description = models.TextField(blank=True)


class RequiredDocument(HSDSRecord):
    service = _fk("Service", "required_documents")
    document = models.TextField(blank=True)
    uri = models.TextField(blank=True)


class Funding(HSDSRecord):
    organization = _fk("Organization", "funding")
    service = _fk("Service", "funding")
    source = models.TextField(blank=True)


class Attribute(HSDSRecord):
    """A taxonomy term attached to any record (link_id names the record, link_entity its table)."""

    link_id = models.UUIDField(db_index=True)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    link_type = models.TextField(blank=True)
    link_entity = models.TextField(blank=True)
    value = models.TextField(blank=True)


class Metadata(HSDSRecord):
    """The HSDS change log: one row per changed field of any record."""

    resource_id = models.UUIDField(db_index=True)
    resource_type = models.TextField()
    last_action_date = models.DateTimeField(default=timezone.now)
    last_action_type = models.TextField()
    field_name = models.TextField(blank=True)
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.TextField(blank=True)

    class Meta:
        ordering = ["last_action_date"]


class SearchLog(models.Model):
    """One public search, without personal data: the words, the filters, the area and how many were found."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    text = models.CharField(max_length=200, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    area_code = models.CharField(max_length=20, blank=True)
    result_count = models.PositiveIntegerField()
    channel = models.CharField(max_length=10, default="web")


class ProblemReport(models.Model):
    """A member of the public's report that a record is wrong or the service has closed."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        RESOLVED = "resolved", _("Resolved")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="problem_reports")
    message = models.TextField()
    reported_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    # How the co-ordinator dealt with it (the workspace's queue of reports).
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True)


class ServiceText(models.Model):
    """The words a service is found by, kept in step by the service layer; each database indexes it its way.

    SQLite mirrors it into an FTS5 table by triggers; PostgreSQL indexes it with tsvector and pg_trgm
    (migration 0002). The integer id is the FTS5 rowid.
    """

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="text")
    body = models.TextField()
    vocabulary = models.TextField(blank=True)  # distinct lowercased words, for typo correction


# The co-ordinator's workspace (docs/directory.md, "Keeping it true"). None of these tables is HSDS: they are
# ours and never published by the API or the export.


class ProviderLink(models.Model):
    """Which Upstream organisation runs a directory organisation, so its staff may propose changes to it."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="provider_link")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_links", verbose_name=_("provider")
    )

    def __str__(self) -> str:
        return f"{self.organization_id} ← {self.organisation_id}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ChangeProposal(models.Model):
    """A provider's proposed change to one of its services, applied only when the co-ordinator approves it."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="change_proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by_label = models.TextField(blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original = models.JSONField(default=dict)  # field -> the value when the change was proposed
    changes = models.JSONField(default=dict)  # field -> the proposed value
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]


class DuplicateDecision(models.Model):
    """The co-ordinator's decision on a pair of services the duplicate finder offered; it is never offered again."""

    class Decision(models.TextChoices):
        NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")
        MERGED = "merged", _("Merged")

    # The pair is stored smaller id first, so (a, b) and (b, a) are the same decision.
    first = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    kept = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="directory_duplicate_pair_once")]


class CheckKind(models.TextChoices):
    LINK = "link", _("Website links")
    PHONE = "phone", _("Phone numbers")


class CheckRun(models.Model):
    """One background run of the link or phone checks, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=10, choices=CheckKind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    problems = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class CheckResult(models.Model):
    """One checked website or phone number; a failed one is a task on the co-ordinator's list until dealt with."""

    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="results")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="check_results")
    kind = models.CharField(max_length=10, choices=CheckKind.choices)
    target = models.TextField()  # the address or number checked
    ok = models.BooleanField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    final_url = models.TextField(blank=True)
    message = models.TextField(blank=True)
    checked_at = models.DateTimeField(default=timezone.now)
    dealt_with_at = models.DateTimeField(null=True, blank=True)
    dealt_with_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["service__name", "pk"]
        indexes = [models.Index(fields=["ok", "dealt_with_at"])]


class StaffNote(models.Model):
    """A note for staff about a service ("ring before 10, they take referrals on Mondays"); never public."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.TextField(blank=True)
    organisation_label = models.TextField(blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]


class Guide(models.Model):
    """A short how-to page ("register with a GP"), edited by the co-ordinator.

    The id is a stable UUID and the words are plain-text fields, so translations can point at a guide's
    field by id and name. The body is plain text with a little structure (see guides.render): never HTML.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"))
    need_categories = models.JSONField(default=list, blank=True)
    services = models.ManyToManyField(Service, blank=True, related_name="guides")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    language = models.CharField(max_length=10, default="en")  # the language the words are written in
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


# The search table lives with search (search/models.py); imported here so Django registers it.
from upstream.directory.search.models import SearchEntry, SearchPlace  # noqa: E402, F401 - registers them
