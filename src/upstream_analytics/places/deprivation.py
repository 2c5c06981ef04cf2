"""Reads the English Indices of Deprivation 2019 by LSOA and the crime harm weights.

IoD2019 File 2 (domains) and File 6 (population denominators); Cambridge Crime Harm Index days by
police.uk crime type.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

# Columns are found by how their official headers begin, so small wording changes between releases pass.
DOMAIN_PREFIXES = {
    "imd": "Index of Multiple Deprivation (IMD)",
    "income": "Income",
    "employment": "Employment",
    "education": "Education, Skills and Training",
    "health": "Health Deprivation and Disability",
    "crime": "Crime",
    "housing": "Barriers to Housing and Services",
    "living_environment": "Living Environment",
}
POPULATION_PREFIXES = {
    "population": "Total population",
    "children_0_15": "Dependent Children aged 0-15",
    "aged_16_59": "Population aged 16-59",
    "aged_60_plus": "Older population aged 60",
}
LSOA_CODE = "LSOA code"


class DeprivationFileError(ValueError):
    """A deprivation or population file is not in the expected shape; the message says which column."""


def _find(columns: list[str], prefix: str, suffix: str = "") -> str:
    for column in columns:
        if column.startswith(prefix) and suffix in column:
            return column
    wanted = f"'{prefix} … {suffix}'" if suffix else f"'{prefix} …'"
    raise DeprivationFileError(f"no column beginning {wanted}")


def _numbers(values: pd.Series) -> pd.Series:
    # File 6 writes thousands with separators ("1,296").
    return pd.to_numeric(values.astype(str).str.replace(",", "", regex=False).str.strip(), errors="coerce")


def read_domains(path: Path) -> pd.DataFrame:
    """Returns one row per LSOA with the rank (1 = most deprived) and decile of the IMD and its seven domains."""
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    columns = [c.strip() for c in raw.columns]
    raw.columns = columns
    out = pd.DataFrame(
        {
            "lsoa_code": raw[_find(columns, LSOA_CODE)].str.strip(),
            "lsoa_name": raw[_find(columns, "LSOA name")].str.strip(),
            "lad_code": raw[_find(columns, "Local Authority District code")].str.strip(),
            "lad_name": raw[_find(columns, "Local Authority District name")].str.strip(),
        }
    )
    for key, prefix in DOMAIN_PREFIXES.items():
        out[f"{key}_rank"] = _numbers(raw[_find(columns, prefix, "Rank")]).astype("Int64")
        out[f"{key}_decile"] = _numbers(raw[_find(columns, prefix, "Decile")]).astype("Int64")
    out = out[out["lsoa_code"].notna() & (out["lsoa_code"] != "")]
    if out["lsoa_code"].duplicated().any():
        raise DeprivationFileError("an LSOA code appears more than once")
    # Ranks run 1..n over England; the percentile (1 = most deprived) lets areas from any release be compared.
    n = int(out["imd_rank"].max()) if len(out) else 0
    out["n_ranked"] = n
    return out.reset_index(drop=True)


def read_population(path: Path) -> pd.DataFrame:
    """Returns one row per LSOA with the mid-2015 population: total, children 0-15, 16-59, 60 and over."""
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    columns = [c.strip() for c in raw.columns]
    raw.columns = columns
    out = pd.DataFrame({"lsoa_code": raw[_find(columns, LSOA_CODE)].str.strip()})
    for key, prefix in POPULATION_PREFIXES.items():
        out[key] = _numbers(raw[_find(columns, prefix)]).astype("Int64")
    return out[out["lsoa_code"].notna() & (out["lsoa_code"] != "")].reset_index(drop=True)


def combine(domains: pd.DataFrame, population: pd.DataFrame | None) -> pd.DataFrame:
    """Returns the deprivation table with population columns (empty when no population file was given)."""
    if population is None:
        out = domains.copy()
        for key in POPULATION_PREFIXES:
            out[key] = pd.array([pd.NA] * len(out), dtype="Int64")
        return out
    return domains.merge(population, on="lsoa_code", how="left")


def read_harm_weights(path: Path) -> dict[str, float]:
    """Returns CCHI days by police.uk crime type from a CSV with columns crime_type, cchi_days."""
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    raw.columns = [c.strip().lower() for c in raw.columns]
    if not {"crime_type", "cchi_days"} <= set(raw.columns):
        raise DeprivationFileError("harm weights need the columns crime_type and cchi_days")
    days = pd.to_numeric(raw["cchi_days"], errors="coerce")
    if days.isna().any() or (days < 0).any():
        raise DeprivationFileError("every cchi_days must be a number of days, 0 or more")
    return dict(zip(raw["crime_type"].str.strip(), days.astype(float), strict=True))
