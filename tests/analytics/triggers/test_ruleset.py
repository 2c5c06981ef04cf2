"""The rule set loader: a rule set that does not parse or names an unknown list is refused with line and reason."""

from __future__ import annotations

import pytest

from upstream_analytics.triggers import ruleset

SHIPPED = ruleset.shipped_path().read_text(encoding="utf-8")


def test_the_shipped_rule_set_loads_with_every_rule():
    rules = ruleset.parse(SHIPPED)
    assert rules.version == "1"
    assert rules.number("referral_threshold") == 4
    assert rules.codes("drug_offences")[0] == "92A"
    assert not rules.ace_counted("parental_separation")
    assert all(rules.ace_counted(n) for n in ruleset.ACE_NAMES if n != "parental_separation")


def test_an_unknown_code_list_is_refused_with_its_line():
    text = SHIPPED.replace("household_offences: violence_offences", "household_offences: violent_offences")
    line = 1 + SHIPPED.splitlines().index("    household_offences: violence_offences")
    with pytest.raises(ruleset.RuleSetError) as caught:
        ruleset.parse(text, "force.yaml")
    assert caught.value.line == line
    assert "unknown code list 'violent_offences'" in str(caught.value)
    assert str(caught.value).startswith(f"force.yaml, line {line}:")


def test_yaml_that_does_not_parse_is_refused_with_its_line():
    with pytest.raises(ruleset.RuleSetError, match=r"line 3: not valid YAML"):
        ruleset.parse("version: 1\ncode_lists:\n  a: b: c\n  d: [1]\n")


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("referral_threshold: 4", "referral_threshold: 0", "referral_threshold must be a whole number from 1 to 9"),
        ("emerging_threshold: 2", "emerging_threshold: 5", "emerging_threshold is above referral_threshold"),
        ("  sexual_abuse:\n", "  sexual_abus:\n", "unknown rule aces.sexual_abus"),
        ('version: "1"', 'version: ""', "the rule set has no version"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(old, new, reason):
    assert old in SHIPPED
    with pytest.raises(ruleset.RuleSetError, match=reason):
        ruleset.parse(SHIPPED.replace(old, new))


def test_the_last_good_rule_set_runs_when_a_new_one_is_refused(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(SHIPPED.replace('version: "1"', 'version: "2"'))
    first = ruleset.load(good, tmp_path / "state")
    assert first.refused is None
    assert first.rules.version == "2"
    bad = tmp_path / "bad.yaml"
    bad.write_text(SHIPPED.replace("flags: alcohol_flags", "flags: booze_flags"))
    second = ruleset.load(bad, tmp_path / "state")
    assert second.refused is not None
    assert "booze_flags" in second.refused.reason
    assert second.rules.version == "2"
    assert "last good rule set version 2" in second.ran
    missing = ruleset.load(tmp_path / "nowhere.yaml", None)
    assert missing.refused is not None
    assert missing.ran == "shipped rule set version 1"
