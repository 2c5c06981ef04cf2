"""Grouping linked records into people: each group is named by its smallest record id, whatever the input order."""

import pandas as pd

from upstream_analytics.linkage.model import connected_components


def test_each_group_is_named_by_its_smallest_id_and_unlinked_records_stand_alone():
    ids = pd.Series(["P9", "P2", "P10", "P5", "P7", "P1"])
    links = pd.DataFrame({"person_id_l": ["P9", "P10", "P7"], "person_id_r": ["P2", "P9", "P5"]})

    groups = connected_components(ids, links)

    assert dict(zip(groups["person_id"], groups["resolved_person_id"], strict=True)) == {
        "P1": "P1",
        "P10": "P10",  # text order: "P10" < "P2" < "P9"
        "P2": "P10",
        "P5": "P5",
        "P7": "P5",
        "P9": "P10",
    }
    assert list(groups["person_id"]) == sorted(ids)


def test_no_links_leaves_every_record_its_own_person():
    groups = connected_components(pd.Series(["b", "a"]), pd.DataFrame({"person_id_l": [], "person_id_r": []}))

    assert list(groups["resolved_person_id"]) == ["a", "b"]
