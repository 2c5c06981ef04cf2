"""The POLE extract's tables, columns and allowed values, as docs/spec pole-extract.md defines them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSpec:
    """One table of the extract: its columns, which are required, and its key."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    key: tuple[str, ...]
    optional_table: bool = False


TABLES: dict[str, TableSpec] = {
    "locations": TableSpec(
        "locations",
        ("location_id", "uprn", "address_line", "town", "postcode", "latitude", "longitude", "area_code"),
        ("location_id",),
        ("location_id",),
    ),
    "events": TableSpec(
        "events",
        (
            "event_id",
            "event_type",
            "occurred_at",
            "location_id",
            "category",
            "offence_code",
            "flags",
            "outcome",
            "grade",
            "source_system",
        ),
        ("event_id", "event_type", "occurred_at"),
        ("event_id",),
    ),
    "people": TableSpec(
        "people",
        (
            "person_id",
            "forename",
            "middle_names",
            "surname",
            "date_of_birth",
            "sex",
            "ethnicity",
            "address_location_id",
            "pnc_id",
            "phone",
        ),
        ("person_id",),
        ("person_id",),
    ),
    "involvements": TableSpec(
        "involvements",
        ("event_id", "person_id", "role", "relationship"),
        ("event_id", "person_id", "role"),
        ("event_id", "person_id", "role"),
    ),
    "relationships": TableSpec(
        "relationships",
        ("person_id_a", "person_id_b", "relationship"),
        ("person_id_a", "person_id_b", "relationship"),
        ("person_id_a", "person_id_b", "relationship"),
        optional_table=True,
    ),
}

# Loaded in this order, so each table's references can be checked against those already accepted.
LOAD_ORDER = ("locations", "events", "people", "involvements", "relationships")

EVENT_TYPES = ("CALL", "INCIDENT", "CRIME", "MISSING", "CUSTODY", "S136")
FLAGS = ("DA", "ALCOHOL", "DRUGS", "MENTAL_HEALTH", "SELF_HARM", "CSE", "CCE", "WEAPON", "HATE")
OUTCOMES = ("CHARGED", "REMANDED", "IMPRISONED", "CAUTION", "COMMUNITY_RESOLUTION", "NFA", "RUI", "BAIL", "RELEASED")
GRADES = ("IMMEDIATE", "PRIORITY", "SCHEDULED", "APPOINTMENT", "RESOLUTION_WITHOUT_DEPLOYMENT")
SEXES = ("M", "F", "X", "U")
ROLES = (
    "VICTIM",
    "SUSPECT",
    "OFFENDER",
    "WITNESS",
    "REPORTER",
    "MISSING_PERSON",
    "CHILD_PRESENT",
    "SUBJECT",
    "DETAINED",
    "ARRESTED",
    "OTHER",
)
INVOLVEMENT_RELATIONSHIPS = (
    "PARTNER",
    "EX_PARTNER",
    "PARENT",
    "CHILD",
    "SIBLING",
    "OTHER_FAMILY",
    "CARER",
    "ACQUAINTANCE",
    "STRANGER",
)
RELATIONSHIPS = ("PARENT_OF", "PARTNER_OF", "SIBLING_OF", "CARER_OF")
# Home Office offence classification: a number of one to three digits and up to two letters (8N, 105A, 92A).
OFFENCE_CODE_PATTERN = r"^[0-9]{1,3}[A-Z]{0,2}$"
