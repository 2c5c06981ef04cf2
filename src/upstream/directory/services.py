"""Every write to the directory: HSDS import, the search index, the search log and public problem reports."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from upstream.core import audit
from upstream.core.audit import AuditTag
from upstream.core.policy import require
from upstream.directory import hsds
from upstream.directory.models import (
    Attribute,
    CostOption,
    Language,
    ProblemReport,
    Schedule,
    SearchLog,
    Service,
    ServiceAtLocation,
    ServiceText,
    TaxonomyTerm,
)
from upstream.directory.search.base import SCHEDULE_FIELDS, WORD, SearchQuery, filter_tokens_for, rule_to_json
from upstream.directory.search.index import rebuild_entries
from upstream.directory.search.vocabulary import forget

MAX_FILE_BYTES = 200 * 1024 * 1024
SHORTEST_INDEXED_WORD = 4
INDEX_BATCH = 500  # the typo corrector ignores shorter words anyway

# Tabular HSDS (CSV package or tabular.json): tables in an order where each row's parents come first.
TABLE_KINDS = [
    ("taxonomies", "taxonomy"),
    ("taxonomy_terms", "taxonomy_term"),
    ("organizations", "organization"),
    ("programs", "program"),
    ("organization_identifiers", "organization_identifier"),
    ("services", "service"),
    ("locations", "location"),
    ("service_at_location", "service_at_location"),
    ("service_at_locations", "service_at_location"),
    ("addresses", "address"),
    ("contacts", "contact"),
    ("phones", "phone"),
    ("schedules", "schedule"),
    ("service_areas", "service_area"),
    ("languages", "language"),
    ("accessibility", "accessibility"),
    ("cost_options", "cost_option"),
    ("required_documents", "required_document"),
    ("funding", "funding"),
    ("attributes", "attribute"),
    ("metadata", "metadata"),
]
KNOWN_SKIPPED_TABLES = {"meta_table_descriptions"}


@dataclass
class ImportSummary:
    """What an import did: counts, and each rejected record with its reason."""

    created: int = 0
    updated: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (where/id, reason)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class _Item:
    source: str
    kind: str
    doc: Any


def import_hsds(*, actor: Any, path: Path, actor_label: str = "") -> ImportSummary:
    """Imports HSDS 3.0 JSON (a file or a folder) or a tabular CSV package; re-importing updates by id."""
    if actor is not None:
        require(actor, "directory:hsds:import")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    summary = ImportSummary()
    ctx = hsds.ImportContext(actor_name=actor_label or "import")
    with transaction.atomic():
        for item in _items(path, summary):
            record_id = item.doc.get("id") if isinstance(item.doc, dict) else None
            label = f"{item.kind} {record_id or '(no id)'} in {item.source}"
            try:
                # Each record in its own savepoint: a bad one is rolled back alone and reported.
                with transaction.atomic():
                    existed = _exists(item.kind, record_id)
                    hsds.upsert(item.kind, item.doc, {}, ctx)
                    _record_change(item.kind, record_id, existed, ctx.actor_name)
            except hsds.RecordError as error:
                summary.rejected.append((label, str(error)))
                continue
            if existed:
                summary.updated += 1
            else:
                summary.created += 1
        refresh_services_index(service_ids=sorted(ctx.services))
        summary.warnings.extend(dict.fromkeys(ctx.warnings))
        audit.record(
            actor=actor,
            actor_label=actor_label or "command line",
            tag=AuditTag.DIRECTORY_HSDS_IMPORT,
            object_type="directory.hsds",
            object_id=str(path.name)[:100],
            detail={"created": summary.created, "updated": summary.updated, "rejected": len(summary.rejected)},
        )
    forget()
    return summary


def _exists(kind: str, record_id: Any) -> bool:
    try:
        return hsds.SPECS[kind].model._default_manager.filter(pk=uuid.UUID(str(record_id))).exists()
    except (ValueError, TypeError, AttributeError):
        return False


def _record_change(kind: str, record_id: Any, existed: bool, by: str) -> None:
    # The HSDS change log gets one row per imported top-level record.
    from upstream.directory.models import Metadata

    Metadata.objects.create(
        resource_id=uuid.UUID(str(record_id)),
        resource_type=kind,
        last_action_type="update" if existed else "create",
        field_name="",
        updated_by=by[:200],
    )


def _items(path: Path, summary: ImportSummary) -> Iterator[_Item]:
    """Yields every record in a file or folder, in an order where parents come before children."""
    if path.is_dir():
        csv_files = sorted(path.glob("*.csv"))
        if csv_files:
            yield from _table_items({f.stem: _read_csv(f) for f in csv_files}, path.name, summary)
        json_files = sorted(path.glob("*.json"), key=_file_order)
        for file in json_files:
            if file.name == "datapackage.json" and csv_files:
                continue
            yield from _json_items(file, summary)
        return
    if path.suffix.lower() == ".csv":
        yield from _table_items({path.stem: _read_csv(path)}, path.name, summary)
        return
    yield from _json_items(path, summary)


def _file_order(file: Path) -> tuple[int, str]:
    # Taxonomies first (attributes point at their terms), then organisations, then services.
    kind = _kind_from_name(file.stem) or ""
    order = {"taxonomy": 0, "taxonomy_term": 1, "organization": 2, "location": 3, "service": 4}
    return order.get(kind, 5), file.name


def _kind_from_name(stem: str) -> str | None:
    stem = stem.lower()
    for prefix, kind in (
        ("service_at_location", "service_at_location"),
        ("taxonomy_term", "taxonomy_term"),
        ("taxonom", "taxonomy"),
        ("organization", "organization"),
        ("location", "location"),
        ("service", "service"),
    ):
        if stem.startswith(prefix):
            return kind
    return None


def _read_json(file: Path) -> Any:
    if file.stat().st_size > MAX_FILE_BYTES:
        raise hsds.RecordError(f"{file.name} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    try:
        return json.loads(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise hsds.RecordError(f"{file.name} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise hsds.RecordError(
            f"{file.name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None


def _json_items(file: Path, summary: ImportSummary) -> Iterator[_Item]:
    try:
        data = _read_json(file)
    except hsds.RecordError as error:
        summary.rejected.append((file.name, str(error)))
        return
    if isinstance(data, dict) and any(str(k).endswith(".csv") for k in data):
        yield from _table_items({Path(k).stem: v for k, v in data.items()}, file.name, summary)
        return
    if isinstance(data, dict) and "contents" in data and isinstance(data["contents"], list):
        records = data["contents"]
    elif isinstance(data, list):
        records = data
    elif isinstance(data, dict) and "id" in data:
        records = [data]
    else:
        summary.skipped.append(f"{file.name}: not HSDS records (no id, list or paginated contents)")
        return
    kind = _kind_from_name(file.stem)
    for record in records:
        yield _Item(file.name, kind or _kind_from_shape(record), record)


def _kind_from_shape(doc: Any) -> str:  # noqa: PLR0911 - one answer per telltale field
    if not isinstance(doc, dict):
        return "service"
    keys = set(doc)
    if keys & {"status", "service_at_locations", "eligibility_description"}:
        return "service"
    if "location" in keys and "service" in keys:
        return "service_at_location"
    if keys & {"location_type", "latitude", "addresses"}:
        return "location"
    if keys & {"services", "year_incorporated", "legal_status", "organization_identifiers"}:
        return "organization"
    if keys & {"taxonomy_id", "term_uri", "taxonomy_detail"}:
        return "taxonomy_term"
    return "service"


def _read_csv(file: Path) -> list[dict[str, Any]]:
    text = file.read_bytes().decode("utf-8-sig", errors="replace")
    return list(csv.DictReader(io.StringIO(text)))


def _table_items(tables: dict[str, Any], source: str, summary: ImportSummary) -> Iterator[_Item]:
    known = {name for name, _ in TABLE_KINDS}
    for name in sorted(set(tables) - known):
        if name != "datapackage":
            summary.skipped.append(f"{source}: table {name} is not imported")
    for name, kind in TABLE_KINDS:
        rows = tables.get(name)
        if not rows:
            continue
        if not isinstance(rows, list):
            summary.rejected.append((f"{source} {name}", "a table must be a list of rows"))
            continue
        for row in rows:
            yield _Item(f"{source} {name}", kind, _clean_row(row))


def _clean_row(row: Any) -> Any:
    if not isinstance(row, dict):
        return row
    # Empty CSV cells mean "not given"; the example CSV quotes phone numbers twice.
    cleaned = {k: v for k, v in row.items() if k is not None and v not in ("", None)}
    if isinstance(cleaned.get("number"), str):
        cleaned["number"] = cleaned["number"].strip('"')
    return cleaned


def refresh_service_index(*, service: Service) -> None:
    """Rebuilds a service's search words and filter tokens after any change to it or its parts."""
    refresh_services_index(service_ids=[service.pk])


def refresh_services_index(*, service_ids: list[uuid.UUID]) -> None:
    """Rebuilds the search words, filter tokens and opening rules of many services, a batch at a time."""
    for start in range(0, len(service_ids), INDEX_BATCH):
        _refresh_batch(list(service_ids[start : start + INDEX_BATCH]))


def _refresh_batch(ids: list[uuid.UUID]) -> None:
    languages: dict[uuid.UUID, list[str]] = defaultdict(list)
    for owner, code in Language.objects.filter(service_id__in=ids).values_list("service_id", "code"):
        languages[owner].append(code)
    for owner, code in Language.objects.filter(location__service_at_locations__service_id__in=ids).values_list(
        "location__service_at_locations__service_id", "code"
    ):
        languages[owner].append(code)
    charged = set(CostOption.objects.filter(service_id__in=ids, amount__gt=0).values_list("service_id", flat=True))
    rules: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in Schedule.objects.filter(service_id__in=ids).values("service_id", *SCHEDULE_FIELDS):
        rules[row.pop("service_id")].append(rule_to_json(row))
    for row in Schedule.objects.filter(service_at_location__service_id__in=ids).values(
        "service_at_location__service_id", *SCHEDULE_FIELDS
    ):
        rules[row.pop("service_at_location__service_id")].append(rule_to_json(row))
    terms: dict[uuid.UUID, list[str]] = defaultdict(list)
    for link_id, name in Attribute.objects.filter(link_id__in=ids, taxonomy_term__isnull=False).values_list(
        "link_id", "taxonomy_term__name"
    ):
        terms[link_id].append(name)
    places: dict[uuid.UUID, list[str]] = defaultdict(list)
    for owner, name, city, postcode in ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
        "service_id", "location__name", "location__addresses__city", "location__addresses__postal_code"
    ):
        places[owner].extend(filter(None, [name, city, postcode]))
    services = list(Service.objects.filter(id__in=ids).select_related("organization"))
    texts = []
    for service in services:
        service.filter_tokens = filter_tokens_for(service, languages[service.pk])
        service.is_free = service.pk not in charged and not service.fees.strip()
        service.opening_rules = rules[service.pk]
        body = "\n".join(
            filter(
                None,
                [
                    service.name,
                    service.alternate_name,
                    service.organization.name if service.organization else "",
                    service.description,
                    service.eligibility_description,
                    " ".join(n.replace("-", " ") for n in service.need_categories),
                    " ".join(g.replace("_", " ") for g in service.client_groups),
                    " ".join(terms[service.pk]),
                    " ".join(dict.fromkeys(places[service.pk])),
                ],
            )
        )
        vocabulary = " ".join(sorted({w.lower() for w in WORD.findall(body) if len(w) >= SHORTEST_INDEXED_WORD}))
        texts.append(ServiceText(service=service, body=body, vocabulary=vocabulary))
    Service.objects.bulk_update(services, ["filter_tokens", "is_free", "opening_rules"])
    ServiceText.objects.filter(service_id__in=ids).delete()
    ServiceText.objects.bulk_create(texts)
    rebuild_entries(services, texts)  # the search table: filters, points and the week's hours in one row


def record_search(*, query: SearchQuery, result_count: int, channel: str = "web", area_code: str = "") -> None:
    """Logs one search for gap analysis: words, filters and counts only, never who searched or where from."""
    SearchLog.objects.create(
        text=" ".join(query.words())[:200],
        filters=query.filters_for_log(),
        area_code=(area_code or query.area_code)[:20],
        result_count=result_count,
        channel=channel,
    )


def report_problem(*, service: Service, message: str) -> ProblemReport:
    """Stores a public report that a record is wrong, for the co-ordinator's queue."""
    with transaction.atomic():
        report = ProblemReport.objects.create(service=service, message=message[:2000], reported_at=timezone.now())
        audit.record(
            actor=None,
            actor_label="public",
            tag=AuditTag.DIRECTORY_PROBLEM_REPORT,
            obj=report,
            detail={"service": str(service.pk)},
        )
    return report


def export_hsds(*, actor: Any, outdir: Path, actor_label: str = "") -> dict[str, int]:
    """Writes the whole directory as HSDS 3.0 JSON files into a folder, with our profile beside them."""
    if actor is not None:
        require(actor, "directory:hsds:export")
    from upstream.directory.models import Organization, Taxonomy

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    services = [hsds.document("service", s) for s in Service.objects.order_by("pk")]
    organizations = [
        hsds.document("organization", o, skip=frozenset({"services"})) for o in Organization.objects.order_by("pk")
    ]
    taxonomies = [hsds.document("taxonomy", t) for t in Taxonomy.objects.order_by("pk")]
    terms = [hsds.document("taxonomy_term", t) for t in TaxonomyTerm.objects.order_by("pk")]
    files = {
        "base.json": {"version": "3.0", "profile": hsds.PROFILE_URI},
        "services.json": services,
        "organizations.json": organizations,
        "taxonomies.json": taxonomies,
        "taxonomy_terms.json": terms,
        "profile.json": hsds.profile(),
    }
    for name, data in files.items():
        (outdir / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    with transaction.atomic():
        audit.record(
            actor=actor,
            actor_label=actor_label or "command line",
            tag=AuditTag.DIRECTORY_HSDS_EXPORT,
            object_type="directory.hsds",
            object_id=outdir.name[:100],
            detail={"services": len(services)},
        )
    return {"services": len(services), "organizations": len(organizations), "taxonomy_terms": len(terms)}
