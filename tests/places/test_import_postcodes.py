"""`upstream places import-postcodes`: ONSPD and Code-Point Open into the postcode lookup, bulk and idempotent."""

# ruff: noqa: E501 - the files' rows, as published

from __future__ import annotations

import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from upstream.directory.queries import postcode_point
from upstream.places.postcodes import Postcode, detect, normalise

pytestmark = pytest.mark.django_db

# The ONSPD header as ONS publishes it (a subset of its columns, in its order); rows in its shape.
ONSPD = """pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,ctry,rgn,pcon,lsoa21,msoa21,lat,long,pfa
"CF101AA ","CF10 1AA","CF10 1AA","199801","","W99999999","W99999999","W06000015","W05001300","W04000850","0","318196","176378","1","W92000004","W99999999","W07000079","W01001932","W02000393",51.481583,-3.179090,"W15000003"
"CF101AB ","CF10 1AB","CF10 1AB","199801","200512","W99999999","W99999999","W06000015","W05001300","W04000850","0","318150","176400","1","W92000004","W99999999","W07000079","W01001932","W02000393",51.481780,-3.179750,"W15000003"
"CF991ZZ ","CF99 1ZZ","CF99 1ZZ","200001","","W99999999","W99999999","W06000015","","","1","","","9","W92000004","W99999999","","","",99.999999,0.000000,""
"NOTAPC  ","NOT APC","NOT APC","200001","","","","","","","0","","","1","","","","","",51.5,-3.1,""
"CF102AA ","CF10 2AA","CF10 2AA","200001","","","","W06000015","W05001300","","0","","","1","","","","W01001932","","fifty",-3.1,""
"""
# Code-Point Open: no header; postcode, quality, eastings, northings, country, NHS codes, county, district, ward.
CODEPOINT = """"AB101AA",10,394251,806376,"S92000003","S08000020","","","S12000033","S13002842"
"AB1 0AB",10,394232,806470,"S92000003","S08000020","","","S12000033","S13002842"
"ZZ",10,394232,806470,"S92000003","","","","",""
"AB101AD",90,0,0,"S92000003","","","","",""
"AB101AE",10,east,806470,"S92000003","","","","",""
"""


def _import(path):
    out = StringIO()
    call_command("places", "import-postcodes", str(path), stdout=out)
    return out.getvalue()


def test_onspd_rows_are_loaded_and_bad_rows_counted_with_reasons(tmp_path):
    file = tmp_path / "ONSPD_NOV_2025_UK.csv"
    file.write_text(ONSPD, encoding="utf-8")
    output = _import(file)
    assert "Imported 2 postcodes" in output
    assert "ONS Postcode Directory" in output
    assert "1 no grid reference" in output
    assert "1 not a postcode" in output
    assert "1 latitude or longitude is not a number" in output
    live = Postcode.objects.get(postcode="CF10 1AA")
    assert (live.latitude, live.longitude) == (51.481583, -3.17909)
    assert (live.lsoa_code, live.ward_code, live.local_authority_code, live.police_force_code) == (
        "W01001932",
        "W05001300",
        "W06000015",
        "W15000003",
    )
    assert not live.terminated
    assert Postcode.objects.get(postcode="CF10 1AB").terminated


def test_importing_again_updates_in_place(tmp_path):
    file = tmp_path / "onspd.csv"
    file.write_text(ONSPD, encoding="utf-8")
    _import(file)
    file.write_text(ONSPD.replace("51.481583", "51.5"), encoding="utf-8")
    _import(file)
    assert Postcode.objects.count() == 2
    assert Postcode.objects.get(postcode="CF10 1AA").latitude == 51.5


def test_code_point_open_without_a_header_is_converted_from_the_national_grid(tmp_path):
    file = tmp_path / "ab.csv"
    file.write_text(CODEPOINT, encoding="utf-8")
    output = _import(file)
    assert "Imported 2 postcodes" in output
    assert "Code-Point Open" in output
    assert "1 no grid reference" in output
    assert "1 eastings or northings is not a number" in output
    aberdeen = Postcode.objects.get(postcode="AB10 1AA")
    # Ordnance Survey places AB10 1AA at 57.1474 N, 2.0960 W.
    assert aberdeen.latitude == pytest.approx(57.1474, abs=0.001)
    assert aberdeen.longitude == pytest.approx(-2.0960, abs=0.001)
    assert (aberdeen.local_authority_code, aberdeen.ward_code) == ("S12000033", "S13002842")


def test_a_zip_of_code_point_files_is_read_whole(tmp_path):
    archive = tmp_path / "codepo_gb.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Data/CSV/ab.csv", CODEPOINT)
        z.writestr("Data/CSV/cf.csv", '"CF101AA",10,318196,176378,"W92000004","","","","W06000015","W05001300"\n')
        z.writestr("Doc/licence.txt", "Open Government Licence")
    assert "Imported 3 postcodes" in _import(archive)
    assert postcode_point("cf10 1aa") == pytest.approx((51.4816, -3.1791), abs=0.005)


def test_a_file_of_something_else_is_refused_and_nothing_stored(tmp_path):
    file = tmp_path / "crimes.csv"
    file.write_text("Crime ID,Month,Reported by\nabc,2024-01,Police\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not an ONSPD or Code-Point Open file"):
        _import(file)
    with pytest.raises(CommandError, match="no such file"):
        _import(tmp_path / "missing.csv")
    assert Postcode.objects.count() == 0


def test_formats_are_told_apart_by_the_first_line():
    assert detect(ONSPD.splitlines()[0]) == "onspd"
    assert detect(CODEPOINT.splitlines()[0]) == "codepoint"
    assert detect("Postcode,Positional_quality_indicator,Eastings,Northings") == "codepoint-header"
    assert normalise(" cf10  1aa ") == "CF10 1AA"
