"""`upstream places analyse`: every output for Calderdale from real boundaries, crime and deprivation."""

from __future__ import annotations

import csv
import gzip
import json
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from places_data import CALDERDALE_LSOAS

POLICEUK = "/work/shared/data/policeuk/2017-07-west-yorkshire-street.csv.gz"
IMD = "/work/shared/data/imd/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
POPULATION = "/work/shared/data/imd/File_6_-_IoD2019_Population_Denominators.csv.gz"
HARM = "/work/shared/data/cchi/cchi_weights_by_category.csv"


def places(*args):
    out = StringIO()
    call_command("places", *map(str, args), stdout=out)
    return out.getvalue()


def analyse(out_dir, *extra, level="lsoa"):
    return places(
        "analyse", "--force", "West Yorkshire", "--from", "2017-07", "--to", "2017-07", "--level", level,
        "--out", out_dir, "--permutations", "99", *extra,
    )  # fmt: skip


@pytest.fixture
def loaded(calderdale):
    places("import-policeuk", POLICEUK)
    places("import-imd", IMD, "--population", POPULATION)


def raw_rows():
    with gzip.open(POLICEUK, "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def calderdale_codes():
    with CALDERDALE_LSOAS.open() as handle:
        return {f["properties"]["LSOA11CD"] for f in json.load(handle)["features"]}


def test_lsoa_analysis_writes_every_output_with_counts_that_add_up(loaded, tmp_path):
    output = analyse(tmp_path, "--harm-weights", HARM, "--officers", "60", "--floor", "1")
    assert "[1/6] Profile" in output
    assert "[6/6] Allocation" in output
    assert "officers are allocated by ward instead" in output
    for name in ("area_indicators.csv", "concentration.json", "hotspots.csv", "change.csv", "typology.csv"):
        assert (tmp_path / name).exists(), name

    codes = calderdale_codes()
    crimes = [r for r in raw_rows() if r["Crime type"] != "Anti-social behaviour"]
    in_calderdale = [r for r in crimes if r["LSOA code"] in codes]
    profile = pd.read_csv(tmp_path / "area_indicators.csv").set_index("area_code")
    assert set(profile.index) == codes
    assert profile["crimes"].sum() == len(in_calderdale)

    # Harm for one area, by hand from the raw rows and the weights file.
    with Path(HARM).open(encoding="utf-8") as handle:
        weights = {row["crime_type"]: float(row["cchi_days"]) for row in csv.DictReader(handle)}
    area = profile["crimes"].idxmax()
    expected_harm = sum(weights[r["Crime type"]] for r in in_calderdale if r["LSOA code"] == area)
    assert profile.loc[area, "harm"] == pytest.approx(expected_harm)
    assert profile.loc[area, "crimes_rate"] == pytest.approx(
        profile.loc[area, "crimes"] / profile.loc[area, "population"] * 1000, rel=1e-5
    )

    summary = json.loads((tmp_path / "concentration.json").read_text())
    assert summary["n_areas"] == 128
    assert summary["unlocated"] == sum(1 for r in crimes if not r["LSOA code"])
    assert summary["outside"] == sum(1 for r in crimes if r["LSOA code"] and r["LSOA code"] not in codes)
    assert summary["statement"].startswith(f"The top {summary['statement_numbers']['top']} neighbourhoods")

    spots = pd.read_csv(tmp_path / "hotspots.csv")
    assert {"area_code", "gi_z", "gi_p", "moran_quadrant", "moran_p", "class"} <= set(spots.columns)
    assert len(spots) == 128

    change = pd.read_csv(tmp_path / "change.csv")
    assert set(change["status"]) == {"no earlier data"}  # only one month stored: no comparison is invented

    types = pd.read_csv(tmp_path / "typology.csv")
    explanation = json.loads((tmp_path / "typology.json").read_text())
    assert types["cluster"].nunique() == explanation["k"]
    assert "silhouette" in explanation["why"]

    allocation = pd.read_csv(tmp_path / "allocation.csv")
    assert allocation["officers"].sum() == 60
    assert (allocation["officers"] >= 1).all()
    assert set(allocation["basis"]) == {"ward"}
    assert len(allocation) == 17  # Calderdale's wards

    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["inputs"]["crimes"][0]["file"].endswith("west-yorkshire__2017-07.parquet")
    assert len(manifest["inputs"]["crimes"][0]["sha256"]) == 64
    assert manifest["parameters"]["permutations"] == 99


def test_ward_analysis_places_every_calderdale_crime_in_a_ward(loaded, tmp_path):
    analyse(tmp_path / "lsoa")
    analyse(tmp_path / "ward", "--h3", level="ward")
    by_lsoa = pd.read_csv(tmp_path / "lsoa" / "area_indicators.csv")
    by_ward = pd.read_csv(tmp_path / "ward" / "area_indicators.csv")
    assert len(by_ward) == 17
    assert by_ward["crimes"].sum() == by_lsoa["crimes"].sum()
    cells = pd.read_csv(tmp_path / "ward" / "hotspots_h3.csv")
    manifest = json.loads((tmp_path / "ward" / "manifest.json").read_text())
    left_out = sum(int(n.split()[0]) for n in manifest["notes"] if "fell in no H3 cell" in n)
    assert cells["count"].sum() + left_out == by_ward["crimes"].sum()
    assert by_ward["population"].sum() == by_lsoa["population"].sum()


def test_neighbourhood_teams_are_the_units_of_allocation_when_they_exist(loaded, tmp_path):
    from upstream.accounts.models import Organisation, Team
    from upstream.places.models import Area

    force = Organisation.objects.create(name="West Yorkshire Police", kind="police_force")
    wards = list(Area.objects.filter(level="ward").order_by("code"))
    north = Team.objects.create(organisation=force, name="North", is_neighbourhood_team=True)
    south = Team.objects.create(organisation=force, name="South", is_neighbourhood_team=True)
    north.areas.set(wards[:9])
    south.areas.set(wards[9:])
    output = analyse(tmp_path, "--officers", "30", "--floor", "5")
    allocation = pd.read_csv(tmp_path / "allocation.csv")
    assert set(allocation["unit_name"]) == {"North", "South"}
    assert set(allocation["basis"]) == {"neighbourhood team"}
    assert allocation["officers"].sum() == 30
    assert "allocated by ward" not in output


def test_an_unknown_force_says_how_to_load_it(loaded, tmp_path):
    with pytest.raises(CommandError, match=r"No force area called .Atlantis.*import-boundaries"):
        places(
            "analyse",
            "--force",
            "Atlantis",
            "--from",
            "2017-07",
            "--to",
            "2017-07",
            "--level",
            "lsoa",
            "--out",
            tmp_path,
        )


def test_a_period_with_no_crime_stored_names_the_months_that_are(loaded, tmp_path):
    with pytest.raises(CommandError, match=r"stored months for this force: 2017-07"):
        places(
            "analyse", "--force", "West Yorkshire", "--from", "2018-01", "--to", "2018-03", "--level", "lsoa",
            "--out", tmp_path,
        )  # fmt: skip


def test_with_nothing_imported_it_says_to_import(calderdale, tmp_path):
    with pytest.raises(CommandError, match="import-policeuk"):
        analyse(tmp_path)


def test_a_floor_too_high_for_the_officers_is_refused(loaded, tmp_path):
    with pytest.raises(CommandError, match="cannot give 17 teams a floor of 5"):
        analyse(tmp_path, "--officers", "20", "--floor", "5")
