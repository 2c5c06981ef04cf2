"""`upstream places import-imd`: the IoD2019 domains and population by LSOA, replaced whole."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from upstream_analytics.places.store import read_deprivation

IMD = "/work/shared/data/imd/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
POPULATION = "/work/shared/data/imd/File_6_-_IoD2019_Population_Denominators.csv.gz"


def import_imd(*args):
    out = StringIO()
    call_command("places", "import-imd", *map(str, args), stdout=out)
    return out.getvalue()


def test_domains_and_population_are_imported():
    output = import_imd(IMD, "--population", POPULATION)
    assert "Imported deprivation for 32,844 LSOAs" in output
    assert "Population for 32,844 of them" in output
    table = read_deprivation(settings.ANALYTICS_DIR).set_index("lsoa_code")
    city = table.loc["E01000001"]
    assert (city["imd_rank"], city["imd_decile"], city["crime_rank"], city["housing_rank"]) == (29199, 9, 32662, 7319)
    assert city["population"] == 1296  # "1,296" in the file
    assert table["imd_rank"].min() == 1
    assert table["imd_rank"].max() == 32844


def test_without_population_the_rates_are_said_to_be_empty():
    output = import_imd(IMD)
    assert "No --population file" in output
    assert read_deprivation(settings.ANALYTICS_DIR)["population"].isna().all()


def test_a_file_of_the_wrong_kind_is_refused_and_says_which_column(tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("LSOA code (2011),Something\nE01000001,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not an IoD2019 domains file"):
        import_imd(wrong)
    assert read_deprivation(settings.ANALYTICS_DIR) is None
