"""One places analysis, end to end, written to a folder with a manifest of its inputs.

Profile, concentration, hotspots, change, typology and allocation for one force, one period, one level.

The caller (the ``upstream places analyse`` command) passes plain data: the areas, the LSOA -> area lookup,
the boundaries and the options. The aggregations run on the engine given (DuckDB or Spark) through Ibis;
the statistics run in-process on the aggregated tables, which hold one row per area.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from ibis.backends import BaseBackend

from upstream_analytics.places import aggregate, allocation, change, concentration, grid, hotspots, typology
from upstream_analytics.places.policeuk import ASB
from upstream_analytics.places.store import CrimeStore, file_digest, places_dir, read_deprivation
from upstream_analytics.records.store import RecordsStore

Progress = Callable[[str], None]
STEPS = ("profile", "concentration", "hotspots", "change", "typology", "allocation")
# Crime types whose counts feed the VLI-style index.
BURGLARY = "Burglary"
CRIMINAL_DAMAGE = "Criminal damage and arson"


class AnalysisInputError(ValueError):
    """The analysis cannot run on what is stored; the message says what to import or change."""


@dataclass
class AnalysisRequest:
    """Everything one analysis needs, as plain data."""

    force_name: str
    force_key: str
    first_month: str
    last_month: str
    level: str
    areas: pd.DataFrame  # area_code, area_name
    lsoa_lookup: pd.DataFrame  # lsoa_code, area_code (the LSOA itself at LSOA level)
    geometries: dict[str, Any]  # area_code -> shapely geometry or GeoJSON mapping
    out_dir: Path
    analytics_dir: Path
    harm_weights: dict[str, float] | None = None
    harm_weights_path: Path | None = None
    officers: int | None = None
    floor: int = 0
    need_weights: dict[str, float] = field(default_factory=lambda: dict(allocation.DEFAULT_WEIGHTS))
    allocation_units: pd.DataFrame | None = None  # area_code, unit_code, unit_name
    allocation_basis: str = "ward"
    current_allocation: dict[str, int] | None = None
    permutations: int = hotspots.PERMUTATIONS
    seed: int = hotspots.SEED
    h3_resolution: int | None = None  # hotspots on points in H3 hexagons as well, at this resolution
    steps: tuple[str, ...] = STEPS
    notes: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    """Returns a column-safe name for a crime type ("Violence and sexual offences" -> violence_and_sexual_offences)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _deprivation_by_area(request: AnalysisRequest, deprivation: pd.DataFrame | None) -> pd.DataFrame:
    codes = request.areas["area_code"].tolist()
    columns = [
        "population",
        "children_0_15",
        "deprivation",
        "income",
        "employment",
        "education",
        "most_deprived_decile_share",
    ]
    if deprivation is None:
        return pd.DataFrame(index=pd.Index(codes, name="area_code"), columns=columns, dtype=float)
    d = deprivation.copy()
    n = d["n_ranked"].astype(float)

    def percentile(rank_column: str) -> pd.Series:
        # 1 = the most deprived LSOA in England, 0 = the least: higher means more deprived, as the features want.
        return (n - d[rank_column].astype(float)) / (n - 1)

    d["deprivation"] = percentile("imd_rank")
    d["income"] = percentile("income_rank")
    d["employment"] = percentile("employment_rank")
    d["education"] = percentile("education_rank")
    d["most_deprived"] = (d["imd_decile"].astype(float) == 1).astype(float)
    merged = request.lsoa_lookup.merge(d, on="lsoa_code", how="left")
    merged["population"] = merged["population"].astype(float)
    merged["children_0_15"] = merged["children_0_15"].astype(float)
    merged["most_deprived_decile_share"] = merged["most_deprived"]
    if request.level == "lsoa":
        # One LSOA per area: its own values, no weighting needed.
        own = merged.drop_duplicates("area_code").set_index("area_code").reindex(sorted(set(codes)))
        return own[[*columns, "imd_rank", "imd_decile"]]
    # Ward values are population-weighted means of their LSOAs; LSOA values are the LSOA's own.
    weight = merged["population"].fillna(1.0)
    out = pd.DataFrame(index=pd.Index(sorted(set(codes)), name="area_code"))
    grouped = merged.assign(_w=weight).groupby("area_code")
    out["population"] = grouped["population"].sum(min_count=1)
    out["children_0_15"] = grouped["children_0_15"].sum(min_count=1)
    for column, source in (
        ("deprivation", "deprivation"),
        ("income", "income"),
        ("employment", "employment"),
        ("education", "education"),
        ("most_deprived_decile_share", "most_deprived"),
    ):
        valid = merged[source].notna()
        num = (merged.loc[valid, source] * weight[valid]).groupby(merged.loc[valid, "area_code"]).sum()
        den = weight[valid].groupby(merged.loc[valid, "area_code"]).sum()
        out[column] = num / den
    if request.level == "lsoa":
        ranks = merged.drop_duplicates("area_code").set_index("area_code")[["imd_rank", "imd_decile"]]
        out = out.join(ranks)
    return out[[*columns, *([] if request.level != "lsoa" else ["imd_rank", "imd_decile"])]]


def _rate(count: pd.Series, population: pd.Series) -> pd.Series:
    return (count.astype(float) / population.astype(float) * 1000).where(population.astype(float) > 0)


def build_profile(
    request: AnalysisRequest, by_type: pd.DataFrame, totals: pd.DataFrame, deprivation: pd.DataFrame | None
) -> pd.DataFrame:
    """Returns the area profile: counts and rates per 1,000 residents by crime type, harm, ASB, deprivation."""
    areas = request.areas.set_index("area_code")[["area_name"]].sort_index()
    wide = by_type.pivot_table(index="area_code", columns="crime_type", values="incidents", aggfunc="sum")
    wide = wide.reindex(areas.index).fillna(0).astype("int64")
    dep = _deprivation_by_area(request, deprivation)
    profile = areas.join(totals.set_index("area_code")[["crimes", "asb"]]).join(dep)
    population = profile["population"]
    profile["crimes_rate"] = _rate(profile["crimes"], population)
    profile["asb_rate"] = _rate(profile["asb"], population)
    weights = request.harm_weights
    crime_types = sorted(t for t in wide.columns if t != ASB)
    if weights:
        harm = sum((wide[t] * weights.get(t, 0.0) for t in crime_types), start=pd.Series(0.0, index=wide.index))
        profile["harm"] = harm.astype(float).round(4)
    else:
        profile["harm"] = np.nan
    profile["harm_rate"] = _rate(profile["harm"], population)
    profile["demand_rate"] = _rate(profile["crimes"] + profile["asb"], population)
    for crime_type in crime_types:
        profile[slug(crime_type)] = wide[crime_type]
        profile[f"{slug(crime_type)}_rate"] = _rate(wide[crime_type], population)
    profile.insert(0, "level", request.level)
    profile.insert(1, "period", f"{request.first_month}..{request.last_month}")
    return profile


def split_counts(counts: pd.DataFrame, codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Returns counts by area and type, totals per area (zeros included) and counts by placement."""
    counts = counts.astype({"incidents": "int64"})
    is_asb = counts["crime_type"] == ASB
    located = counts[counts["placement"] == aggregate.LOCATED]
    by_type = located[["area_code", "crime_type", "incidents"]].reset_index(drop=True)
    located_asb = is_asb[located.index]
    totals = pd.DataFrame({"area_code": sorted(set(codes))})
    crimes = located[~located_asb].groupby("area_code")["incidents"].sum()
    asb = located[located_asb].groupby("area_code")["incidents"].sum()
    totals["crimes"] = totals["area_code"].map(crimes).fillna(0).astype("int64")
    totals["asb"] = totals["area_code"].map(asb).fillna(0).astype("int64")
    placement = (
        pd.DataFrame(
            {
                "crimes": counts[~is_asb].groupby("placement")["incidents"].sum(),
                "asb": counts[is_asb].groupby("placement")["incidents"].sum(),
            }
        )
        .fillna(0)
        .astype("int64")
    )
    return by_type, totals, placement


# The force's own events that join the typology when the records store is imported: domestic abuse and
# missing episodes make up vulnerability with deprivation, calls make up demand with crimes and ASB.
FORCE_EVENT_FEATURES = ("domestic_abuse_rate", "missing_rate", "calls_rate")


def _typology_inputs(profile: pd.DataFrame, has_harm: bool) -> pd.DataFrame:
    harm_rate = profile["harm_rate"] if has_harm else profile["crimes_rate"]
    population = profile["population"]
    force_events = {column: profile[column] for column in FORCE_EVENT_FEATURES if column in profile}
    return pd.DataFrame(
        {
            **force_events,
            "harm_rate": harm_rate,
            "deprivation": profile["deprivation"],
            "demand_rate": profile["demand_rate"],
            "burglary_rate": profile.get("burglary_rate", pd.Series(0.0, index=profile.index)),
            "criminal_damage_rate": profile.get("criminal_damage_and_arson_rate", pd.Series(0.0, index=profile.index)),
            "income": profile["income"],
            "employment": profile["employment"],
            "education": profile["education"],
            "young_share": (profile["children_0_15"] / population).where(population > 0),
        },
        index=profile.index,
    )


def _versions() -> dict[str, str]:
    found = {}
    for name in ("ibis-framework", "duckdb", "pyspark", "esda", "libpysal", "scikit-learn", "scipy", "shapely"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


@dataclass
class _Run:
    """The state of one analysis as it goes from step to step."""

    con: BaseBackend
    request: AnalysisRequest
    progress: Progress
    out: Path
    periods: change.Periods
    crimes: Any
    available: set[str]
    notes: list[str]
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    profile: pd.DataFrame | None = None
    totals: pd.DataFrame | None = None
    placement: pd.DataFrame | None = None
    deprivation: pd.DataFrame | None = None
    records: dict[str, Any] | None = None  # the records store version read, when force events were added

    @property
    def codes(self) -> list[str]:
        """Returns the codes of the areas analysed."""
        return self.request.areas["area_code"].tolist()

    def lookup(self) -> Any:
        """Returns the LSOA -> area lookup as an Ibis table."""
        return aggregate.lookup_table(self.request.lsoa_lookup)

    def write_json(self, key: str, file: str, data: Any) -> None:
        """Writes one JSON output and records it."""
        (self.out / file).write_text(json.dumps(data, indent=2, default=_json_default))
        self.outputs[key] = file

    def write_csv(self, key: str, file: str, frame: pd.DataFrame, *, index_label: str | None = None) -> None:
        """Writes one CSV output and records it."""
        if index_label is not None:
            frame = frame.rename_axis(index_label).reset_index()
        # Arrow's CSV writer is several times quicker than pandas' on 33,000 areas by 40 columns.
        pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), self.out / file)
        self.outputs[key] = file

    def placed(self, kind: str, column: str = "crimes") -> int:
        """Returns how many crimes (or ASB incidents) were located, unlocated or outside."""
        assert self.placement is not None  # noqa: S101 - set by the profile step, which always runs first
        return int(self.placement[column].get(kind, 0)) if kind in self.placement.index else 0

    def step_profile(self) -> None:
        """Counts crimes by area and type and writes the area profile."""
        request = self.request
        current = aggregate.crimes_in_period(
            self.crimes, force_key=request.force_key, first_month=request.first_month, last_month=request.last_month
        )
        placed = aggregate.place_crimes(current, self.lookup())
        # One scan of the crimes; the small result (area x type x placement) gives every figure below, the
        # same numbers as counts_by_area_and_type, area_totals and placement_counts (tested to agree).
        counts = self.con.execute(aggregate.incident_counts(placed))
        by_type, self.totals, self.placement = split_counts(counts, self.codes)
        self.deprivation = read_deprivation(request.analytics_dir)
        if self.deprivation is None:
            self.notes.append(
                "No deprivation imported (`upstream places import-imd`): rates, deprivation and VLI are empty."
            )
        elif self.deprivation["population"].isna().all():
            self.notes.append("No population denominators imported: rates per 1,000 residents are empty.")
        if not request.harm_weights:
            self.notes.append(
                "No harm weights given (--harm-weights): harm is empty and the typology uses the crime rate."
            )
        self.profile = build_profile(request, by_type, self.totals, self.deprivation)
        self.add_force_events()
        self.write_csv("area_indicators", "area_indicators.csv", self.profile.round(6), index_label="area_code")

    def add_force_events(self) -> None:
        """Adds calls, domestic abuse, missing episodes and repeat locations from the records store, when imported."""
        assert self.profile is not None  # noqa: S101 - called by the profile step once the profile is built
        store = RecordsStore(self.request.analytics_dir)
        events_path, locations_path = store.current_table_path("events"), store.current_table_path("locations")
        if events_path is None or locations_path is None:
            self.notes.append(
                "No force records imported (`upstream records import`): calls, domestic abuse, missing episodes "
                "and repeat locations are left out of the profile."
            )
            return
        events = self.con.read_parquet(str(events_path), table_name="places_force_events")
        locations = self.con.read_parquet(str(locations_path), table_name="places_force_locations")
        counted = self.con.execute(
            aggregate.force_event_counts(
                events,
                locations,
                self.lookup(),
                first_month=self.request.first_month,
                last_month=self.request.last_month,
            )
        )
        counted = counted.set_index("area_code").reindex(self.profile.index).fillna(0).astype("int64")
        population = self.profile["population"]
        for column in ("calls", "domestic_abuse", "missing", "repeat_locations"):
            self.profile[column] = counted[column]
            self.profile[f"{column}_rate"] = _rate(counted[column], population)
        if "category" in events.columns:
            categories = self.con.execute(
                aggregate.force_event_categories(
                    events,
                    locations,
                    self.lookup(),
                    first_month=self.request.first_month,
                    last_month=self.request.last_month,
                )
            )
            categories = categories.sort_values(["area_code", "event_type", "category"]).reset_index(drop=True)
            self.write_csv("force_event_categories", "force_events_by_category.csv", categories)
        self.records = {
            "version": store.current_version(),
            "events_sha256": file_digest(events_path),
            "locations_sha256": file_digest(locations_path),
            "events_placed": int(counted["force_events"].sum()),
        }

    def counts(self) -> dict[str, float]:
        """Returns crimes per area, areas with none included."""
        assert self.totals is not None  # noqa: S101 - set by the profile step, which always runs first
        return dict(zip(self.totals["area_code"], self.totals["crimes"].astype(float), strict=True))

    def step_concentration(self) -> None:
        """Writes the Gini, Lorenz curve, top shares and headline statement."""
        request = self.request
        summary = concentration.concentration(
            {code: int(value) for code, value in self.counts().items()},
            unlocated=self.placed(aggregate.UNLOCATED),
            outside=self.placed(aggregate.OUTSIDE),
            level_label="wards" if request.level == "ward" else "neighbourhoods (LSOAs)",
        )
        summary["asb"] = {
            "located": self.placed(aggregate.LOCATED, "asb"),
            "unlocated": self.placed(aggregate.UNLOCATED, "asb"),
            "outside": self.placed(aggregate.OUTSIDE, "asb"),
            "note": "ASB incidents are not crimes and are left out of the Gini and shares.",
        }
        summary.update(force=request.force_name, level=request.level, period=[request.first_month, request.last_month])
        self.write_json("concentration", "concentration.json", summary)

    def step_hotspots(self) -> None:
        """Writes Gi* and local Moran's I per area."""
        counts = self.counts()
        geometries = {c: g for c, g in self.request.geometries.items() if c in counts and g is not None}
        without = sorted(set(self.codes) - set(geometries))
        if without:
            self.notes.append(f"{len(without)} areas have no boundary and are left out of the hotspots.")
        if geometries:
            weights = hotspots.queen_weights(geometries)
            spots = hotspots.hotspots(counts, weights, permutations=self.request.permutations, seed=self.request.seed)
        else:
            spots = pd.DataFrame(columns=["area_code", "count", "gi_z", "gi_p", "moran_i", "moran_quadrant"])
        self.write_csv("hotspots", "hotspots.csv", spots.round(6))
        if self.request.h3_resolution is not None and geometries:
            self.step_grid_hotspots(geometries)

    def step_grid_hotspots(self, geometries: dict[str, Any]) -> None:
        """Writes Gi* and local Moran's I on crimes counted in H3 hexagons over the force's areas."""
        request = self.request
        current = aggregate.crimes_in_period(
            self.crimes, force_key=request.force_key, first_month=request.first_month, last_month=request.last_month
        )
        points = self.con.execute(aggregate.point_counts(aggregate.place_crimes(current, self.lookup())))
        cells = grid.grid_hotspots(
            points,
            geometries,
            resolution=int(request.h3_resolution or grid.DEFAULT_RESOLUTION),
            permutations=request.permutations,
            seed=request.seed,
        )
        if cells.attrs.get("points_outside_cells"):
            self.notes.append(
                f"{cells.attrs['points_outside_cells']} located crimes fell in no H3 cell of the force "
                "(their point lies just outside the union of the boundaries) and are left out of the H3 hotspots."
            )
        self.write_csv("hotspots_h3", "hotspots_h3.csv", cells.round(6))

    def step_change(self) -> None:
        """Writes each area's change against the previous period and a year ago."""
        request, periods = self.request, self.periods
        span = aggregate.crimes_in_period(
            self.crimes, force_key=request.force_key, first_month=periods.year_ago[0], last_month=request.last_month
        )
        monthly = self.con.execute(aggregate.monthly_counts(aggregate.place_crimes(span, self.lookup())))
        changed, coverage = change.change(monthly, self.codes, periods, self.available)
        for which in ("previous", "year_ago"):
            if not coverage[which]:
                first, last = getattr(periods, which)
                self.notes.append(f"Comparison with {first}..{last} left empty: not every month of it is stored.")
        self.write_csv("change", "change.csv", changed.round(6))
        # Crimes per area and month over the same span, for the trend on each area's page (months with none
        # are left out here; a reader fills them with zero only for months in `available`).
        trend = monthly[["area_code", "month", "crimes"]].sort_values(["area_code", "month"]).reset_index(drop=True)
        self.write_csv("monthly", "monthly.csv", trend)

    def step_typology(self) -> None:
        """Writes the typology of need (with the force's own events when imported) and the explanation of k."""
        assert self.profile is not None  # noqa: S101 - set by the profile step, which always runs first
        inputs = _typology_inputs(self.profile, bool(self.request.harm_weights))
        types, explanation = typology.typology(inputs, seed=self.request.seed)
        if explanation["force_records_used"]:
            self.notes.append(
                "The typology's vulnerability adds domestic abuse and missing episodes, and its demand adds calls, "
                "from the force's own records (each part standardised and weighted equally)."
            )
        self.write_csv("typology", "typology.csv", types)
        self.write_json("typology_explanation", "typology.json", explanation)

    def step_allocation(self) -> None:
        """Writes the allocation of officers by need."""
        assert self.profile is not None  # noqa: S101 - set by the profile step, which always runs first
        allocated = _allocate(self.request, self.profile)
        self.write_csv("allocation", "allocation.csv", allocated, index_label="unit_code")


def _step_messages(request: AnalysisRequest) -> dict[str, str]:
    return {
        "profile": "Profile: counting crimes by area and type",
        "concentration": "Concentration: Gini, Lorenz curve and top shares",
        "hotspots": f"Hotspots: Gi* and local Moran's I ({request.permutations} permutations)",
        "change": "Change: against the previous period and a year ago (Poisson test)",
        "typology": "Typology: k-means on harm, vulnerability and demand",
        "allocation": f"Allocation: {request.officers} officers by need, floor {request.floor} per unit",
    }


def run(con: BaseBackend, request: AnalysisRequest, progress: Progress = lambda _message: None) -> dict[str, Any]:
    """Returns the manifest of one analysis after writing its outputs (CSV/JSON) to request.out_dir."""
    started = time.time()
    store = CrimeStore(request.analytics_dir)
    partitions = [p for p in store.partitions() if p.path.is_file()]
    if not partitions:
        raise AnalysisInputError("No police.uk crimes are stored: run `upstream places import-policeuk FILES…`.")
    if request.areas.empty:
        raise AnalysisInputError(f"The force {request.force_name!r} has no areas at level {request.level!r}.")
    periods = change.Periods.of(request.first_month, request.last_month)
    crimes = store.table(con)
    available = set(con.execute(aggregate.months_present(crimes, force_key=request.force_key))["month"])
    missing = [m for m in periods.months("current") if m not in available]
    if len(missing) == len(periods.months("current")):
        raise AnalysisInputError(
            f"No crimes falling within {request.force_name!r} are stored for "
            f"{request.first_month}..{request.last_month} "
            f"(stored months for this force: {', '.join(sorted(available)) or 'none'})."
        )
    notes = list(request.notes)
    if missing:
        notes.append(f"No crimes stored for {', '.join(missing)}: those months count as none.")
    out = Path(request.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state = _Run(con, request, progress, out, periods, crimes, available, notes)
    messages = _step_messages(request)
    # Profile and concentration always run: every later step reads the area totals they produce.
    chosen = ["profile", "concentration", *[s for s in request.steps if s not in {"profile", "concentration"}]]
    for name in chosen:
        if name == "allocation" and request.officers is None:
            continue
        tick = time.time()
        progress(messages[name])
        getattr(state, f"step_{name}")()
        state.timings[name] = time.time() - tick
    manifest = _manifest(state, partitions)
    manifest["seconds"] = round(time.time() - started, 3)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, default=_json_default))
    return manifest


def _manifest(state: _Run, partitions: list[Any]) -> dict[str, Any]:
    request, periods = state.request, state.periods
    places = places_dir(request.analytics_dir)
    return {
        "analysis": "places",
        "force": request.force_name,
        "force_key": request.force_key,
        "level": request.level,
        "period": {"first": request.first_month, "last": request.last_month},
        "compared_with": {"previous": list(periods.previous), "year_ago": list(periods.year_ago)},
        "engine": state.con.name,
        "n_areas": len(state.codes),
        "months_stored": sorted(str(m) for m in state.available),
        "inputs": {
            "crimes": [{"file": str(p.path.relative_to(places)), "sha256": file_digest(p.path)} for p in partitions],
            "deprivation": (file_digest(places / "deprivation.parquet") if state.deprivation is not None else None),
            "harm_weights": (
                {"path": str(request.harm_weights_path), "sha256": file_digest(request.harm_weights_path)}
                if request.harm_weights_path
                else None
            ),
            "boundaries": {"areas": len(request.geometries)},
            "force_records": state.records,
        },
        "parameters": {
            "permutations": request.permutations,
            "seed": request.seed,
            "h3_resolution": request.h3_resolution,
            "esda_alternative": "directed (esda's current default)",
            "officers": request.officers,
            "floor": request.floor,
            "need_weights": request.need_weights,
            "allocation_basis": request.allocation_basis,
        },
        "outputs": state.outputs,
        "notes": state.notes,
        "timings_seconds": {k: round(v, 3) for k, v in state.timings.items()},
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "versions": _versions(),
    }


def _allocate(request: AnalysisRequest, profile: pd.DataFrame) -> pd.DataFrame:
    """Returns the allocation table by neighbourhood team or ward (whichever the request names)."""
    units = request.allocation_units
    if units is None:
        units = pd.DataFrame(
            {
                "area_code": profile.index.to_numpy(),
                "unit_code": profile.index.to_numpy(),
                "unit_name": profile["area_name"].to_numpy(),
            }
        )
    vulnerability = profile["population"].fillna(0) * profile["deprivation"].fillna(0)
    by_area = pd.DataFrame(
        {
            "harm": profile["harm"].fillna(0) if request.harm_weights else profile["crimes"],
            "demand": profile["crimes"] + profile["asb"],
            "vulnerability": vulnerability,
        },
        index=profile.index,
    )
    by_area.index.name = None
    joined = units.merge(by_area, left_on="area_code", right_index=True, how="inner")
    grouped = joined.groupby("unit_code").agg(
        unit_name=("unit_name", "first"),
        areas=("area_code", "nunique"),
        harm=("harm", "sum"),
        demand=("demand", "sum"),
        vulnerability=("vulnerability", "sum"),
    )
    if request.current_allocation is not None:
        grouped["current"] = [request.current_allocation.get(str(u), 0) for u in grouped.index]
    try:
        result = allocation.allocate(
            grouped, officers=int(request.officers or 0), floor=request.floor, weights=request.need_weights
        )
    except ValueError as exc:
        raise AnalysisInputError(f"Allocation by {request.allocation_basis}: {exc}.") from exc
    result.insert(0, "basis", request.allocation_basis)
    return result.round({"need_index": 6, "need_share": 6, "quota": 3, "harm": 3, "vulnerability": 3})
