"""Checks HSDS documents against the official HSDS 3.0 JSON Schemas, and against our stricter rules.

The official schemas accept any extra field, so a strict check also merges in our profile and forbids
every field neither HSDS nor the profile declares. The schemas are read from a folder given by the caller
(they are CC BY-SA and not shipped in this repository).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from upstream.directory import hsds

BASE_URI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def load_schemas(schema_dir: Path, *, strict: bool = False) -> dict[str, dict[str, Any]]:
    """Returns each object schema by file name; strict ones carry our profile and forbid unknown fields."""
    schemas = {}
    for file in sorted(Path(schema_dir).glob("*.json")):
        if file.name == "openapi.json":
            continue
        schema = json.loads(file.read_text(encoding="utf-8"))
        if strict:
            schema = _strict(file.stem, schema)
        schemas[file.name] = schema
    return schemas


def _strict(kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    extra = hsds.profile()["objects"].get(kind, {}).get("properties", {})
    schema.setdefault("properties", {}).update(copy.deepcopy(extra))
    schema["additionalProperties"] = False
    return schema


def registry(schemas: dict[str, dict[str, Any]]) -> Registry:
    """Returns a registry where each schema's relative $ref ("organization.json") resolves locally."""
    resources = [
        (BASE_URI + name, Resource.from_contents(s, default_specification=DRAFT202012)) for name, s in schemas.items()
    ]
    return Registry().with_resources(resources)


def validator(schema_dir: Path, kind: str, *, strict: bool = False) -> Draft202012Validator:
    """Returns a validator for one HSDS object kind (service, organization ...)."""
    schemas = load_schemas(schema_dir, strict=strict)
    root = dict(schemas[f"{kind}.json"])
    root["$id"] = BASE_URI + f"{kind}.json"
    return Draft202012Validator(root, registry=registry(schemas), format_checker=FormatChecker())


def errors(schema_dir: Path, kind: str, doc: Any, *, strict: bool = False) -> list[str]:
    """Returns every problem with one document, as "path: message" lines (empty when it is valid)."""
    found = [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
        for e in validator(schema_dir, kind, strict=strict).iter_errors(doc)
    ]
    if strict and kind == "service":
        found.extend(service_rules(doc))
    return found


def service_rules(doc: dict[str, Any]) -> list[str]:
    """Returns breaches of our own rules: a name, an organisation, and schedules that can be evaluated."""
    found = []
    if not str(doc.get("name", "")).strip():
        found.append("name: every service needs a name")
    if not doc.get("organization_id") or not isinstance(doc.get("organization"), dict):
        found.append("organization: every service must name the organisation that provides it")
    for path, schedule in _schedules(doc, "service"):
        days = filter(None, str(schedule.get("byday", "")).split(","))
        found.extend(f"{path}/byday: {day!r} is not a day" for day in days if not hsds.BYDAY.match(day.strip().upper()))
        opens, closes = schedule.get("opens_at"), schedule.get("closes_at")
        for key, value in (("opens_at", opens), ("closes_at", closes)):
            if value is not None:
                try:
                    hsds.parse_time(value, key)
                except hsds.RecordError as error:
                    found.append(f"{path}/{key}: {error}")
        if bool(opens) != bool(closes) and not schedule.get("closed"):
            found.append(f"{path}: opens_at and closes_at must be given together")
    return found


def _schedules(doc: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == "schedules" and isinstance(value, list):
                for i, schedule in enumerate(value):
                    yield f"{path}/schedules/{i}", schedule
            else:
                yield from _schedules(value, f"{path}/{key}")
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from _schedules(value, f"{path}/{i}")


def local_openapi(schema_dir: Path, *, server: str = "/api/hsds") -> dict[str, Any]:
    """Returns the official HSDS OpenAPI document with every remote $ref pointed at the local schema files.

    The official document refers to schemas on raw.githubusercontent.com (tests have no network), some of
    them "compiled" (dereferenced) copies too large to keep; the plain files say the same thing.
    """
    schema_dir = Path(schema_dir)
    doc = json.loads((schema_dir / "openapi.json").read_text(encoding="utf-8"))
    components = doc.setdefault("components", {}).setdefault("schemas", {})

    def component_for(ref: str) -> str:
        name = ref.removeprefix(BASE_URI)
        local = schema_dir / name
        if not local.exists():
            local = schema_dir / name.removeprefix("compiled/")
        key = local.stem if local.parent == schema_dir else f"compiled_{local.stem}"
        if key not in components:
            components[key] = {}  # placeholder first: schemas refer to each other
            components[key] = rewrite(json.loads(local.read_text(encoding="utf-8")))
        return f"#/components/schemas/{key}"

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: rewrite(v) for k, v in node.items()}
            ref = out.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                out["$ref"] = component_for(ref if ref.startswith("http") else BASE_URI + ref)
            return out
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    # A known slip in the 3.0 document (fixed in 3.1's "$refs in openapi.json fixed"): a service at a
    # location is described by the service schema. We answer with a service_at_location, as 3.1 says.
    sal = doc["paths"].get("/service_at_locations/{id}", {}).get("get", {})
    content = sal.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
    if content.get("schema", {}).get("$ref", "").endswith("compiled/service.json"):
        content["schema"] = {"$ref": BASE_URI + "service_at_location.json"}
    doc["paths"] = rewrite(doc["paths"])
    doc["servers"] = [{"url": server}]
    return doc
