"""Small extracts written by hand for the records commands' tests."""

from __future__ import annotations

import csv
from pathlib import Path

HEADERS = {
    "locations": ["location_id", "uprn", "address_line", "town", "postcode", "latitude", "longitude", "area_code"],
    "events": ["event_id", "event_type", "occurred_at", "location_id", "category", "offence_code", "flags",
               "outcome", "grade", "source_system"],
    "people": ["person_id", "forename", "middle_names", "surname", "date_of_birth", "sex", "ethnicity",
               "address_location_id", "pnc_id", "phone"],
    "involvements": ["event_id", "person_id", "role", "relationship"],
    "relationships": ["person_id_a", "person_id_b", "relationship"],
}  # fmt: skip

GOOD = {
    "locations": [
        ["L1", "100023336956", "1 High Street", "Leeds", "LS6 5HQ", "53.8", "-1.55", "E01011234"],
        ["L2", "", "4 Church Road", "Leeds", "LS6 2AB", "", "", ""],
    ],
    "events": [
        ["E1", "INCIDENT", "2024-05-01T22:10:00", "L1", "Domestic incident", "", "DA;ALCOHOL", "", "IMMEDIATE", "CAD"],
        ["E2", "CRIME", "2024-05-01T22:10:00+01:00", "L1", "Assault", "8N", "DA", "CHARGED", "", "RMS"],
        ["E3", "CALL", "2024-06-02 09:00", "", "Noise", "", "", "", "SCHEDULED", "CAD"],
    ],
    "people": [
        ["P1", "Elizabeth", "", "Smith", "1985-02-03", "F", "W1", "L1", "", ""],
        ["P2", "Bob", "", "Smith", "1983", "M", "", "L1", "99/123456X", "07700900000"],
        ["P3", "Amy", "", "Smith", "2015-07", "F", "", "L1", "", ""],
    ],
    "involvements": [
        ["E1", "P1", "VICTIM", ""],
        ["E1", "P2", "SUSPECT", "PARTNER"],
        ["E1", "P3", "CHILD_PRESENT", "CHILD"],
        ["E2", "P1", "VICTIM", ""],
        ["E3", "P2", "REPORTER", ""],
    ],
    "relationships": [["P1", "P3", "PARENT_OF"], ["P2", "P1", "PARTNER_OF"]],
}


def write_extract(folder: Path, rows: dict[str, list[list[str]]] | None = None, *, headers=None) -> Path:
    """Writes an extract of the given rows (default: a small good one) as CSV files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = GOOD if rows is None else rows
    for table, body in rows.items():
        header = (headers or {}).get(table, HEADERS[table])
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(body)
    return folder
