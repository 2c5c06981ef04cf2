"""The versioned trigger rule set (YAML): loading, validation with line numbers, and the last good version.

A force edits thresholds and code lists in a copy of ``rulesets/v1.yaml``. A file that does not parse, or names
a code list it does not define, is refused with the line and the reason; the run then uses the last rule set
that loaded cleanly (kept in the data folder), or the shipped one, and says which ran.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

SHIPPED_NAME = "v1.yaml"
LAST_GOOD_NAME = "last_good_rules.yaml"

ACE_NAMES = (
    "domestic_abuse",
    "physical_abuse",
    "sexual_abuse",
    "emotional_abuse",
    "parental_imprisonment",
    "parental_drug_misuse",
    "parental_alcohol_misuse",
    "parental_mental_health",
    "parental_separation",
)
FLAG_NAMES = ("repeat_missing", "first_time_suspect", "exploitation", "drugs_warrant", "violence_outside_home")
# Keys inside a rule whose value names a code list.
LIST_KEYS = frozenset(
    {
        "flags",
        "offences",
        "household_offences",
        "outcomes",
        "roles",
        "event_types",
        "relationships",
        "categories",
        "domestic_abuse_flags",
    }
)
NUMBERS = {
    "lookback_months": (1, 240),
    "child_age": (1, 25),
    "referral_threshold": (1, 9),
    "emerging_threshold": (1, 9),
    "parent_min_age_gap_years": (0, 60),
    "stay_tolerance_days": (0, 3650),
}


class RuleSetError(ValueError):
    """A rule set that cannot be used: says the file, line and reason."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class RuleSet:
    """A validated rule set: thresholds, code lists and the rules that name them."""

    version: str
    data: dict[str, Any]
    source: str = "shipped"

    def number(self, key: str) -> int:
        """Returns a top-level number (look-back months, thresholds …)."""
        return int(self.data[key])

    def codes(self, name: str) -> list[str]:
        """Returns a code list by name."""
        return [str(code) for code in self.data["code_lists"][name]]

    def rule(self, section: str, name: str | None = None) -> dict[str, Any]:
        """Returns a rule's settings (section 'aces'/'flags' and its name, or a list section)."""
        block = self.data.get(section) or {}
        return dict(block.get(name) or {}) if name else dict(block)

    def rule_codes(self, section: str, name: str, key: str) -> list[str]:
        """Returns the codes a rule's key names, or an empty list when the rule leaves it out."""
        ref = self.rule(section, name).get(key)
        return self.codes(ref) if ref else []

    def ace_counted(self, name: str) -> bool:
        """Returns whether an ACE counts towards the score (parental separation does not, by default)."""
        return bool(self.rule("aces", name).get("counted", True))


@dataclass
class LoadResult:
    """The rule set that will run, where it came from, and why another was refused."""

    rules: RuleSet
    ran: str
    refused: RuleSetError | None = field(default=None)


def shipped_path() -> Path:
    """Returns the path of the rule set shipped with Upstream."""
    return Path(str(resources.files("upstream_analytics.triggers") / "rulesets" / SHIPPED_NAME))


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def parse(text: str, path: str = "<rules>") -> RuleSet:  # noqa: C901, PLR0912 - one check after another, each with its own message
    """Returns the rule set in a YAML text, or raises RuleSetError with the line and the reason."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RuleSetError(path, mark.line + 1 if mark else None, f"not valid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise RuleSetError(path, None, f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleSetError(path, 1, "a rule set is a mapping of settings (version, code_lists, aces …)")
    if not data.get("version"):
        raise RuleSetError(path, 1, "the rule set has no version")
    for key, (low, high) in NUMBERS.items():
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise RuleSetError(path, _line(_child(root, key)), f"{key} must be a whole number from {low} to {high}")
    if data["emerging_threshold"] > data["referral_threshold"]:
        raise RuleSetError(
            path, _line(_child(root, "emerging_threshold")), "emerging_threshold is above referral_threshold"
        )
    lists = data.get("code_lists")
    if not isinstance(lists, dict):
        raise RuleSetError(path, _line(_child(root, "code_lists")), "code_lists must map list names to lists of codes")
    for name, codes in lists.items():
        if not isinstance(codes, list) or not codes:
            raise RuleSetError(
                path, _line(_child(_child(root, "code_lists"), name)), f"code list {name} is not a list of codes"
            )
    for section, names in (("aces", ACE_NAMES), ("flags", FLAG_NAMES)):
        block = data.get(section)
        if not isinstance(block, dict):
            raise RuleSetError(path, _line(_child(root, section)), f"{section} must be a mapping of rules")
        for name in block:
            if name not in names:
                raise RuleSetError(path, _line(_child(_child(root, section), name)), f"unknown rule {section}.{name}")
        for name in names:
            if name not in block:
                raise RuleSetError(path, _line(_child(root, section)), f"rule {section}.{name} is missing")
    for section in ("aces", "flags", "repeat_victims"):
        section_node = _child(root, section)
        rules = data.get(section) or {}
        items = rules.items() if section != "repeat_victims" else [(None, rules)]
        for name, rule in items:
            node = _child(section_node, name) if name else section_node
            if not isinstance(rule, dict):
                raise RuleSetError(path, _line(node), f"rule {section}.{name} must be a mapping")
            for key, ref in rule.items():
                if key in LIST_KEYS and ref not in lists:
                    raise RuleSetError(
                        path,
                        _line(_child(node, key)),
                        f"{section}.{name or ''}{'.' if name else ''}{key} names an unknown code list {ref!r}".replace(
                            "..", "."
                        ),
                    )
    return RuleSet(version=str(data["version"]), data=data, source=path)


def load(path: Path | None, state_dir: Path | None) -> LoadResult:
    """Returns the rule set to run: the given file if it validates, else the last good one, else the shipped one."""
    shipped = shipped_path()
    last_good = state_dir / LAST_GOOD_NAME if state_dir else None
    if path is None:
        rules = parse(shipped.read_text(encoding="utf-8"), str(shipped))
        return LoadResult(rules, f"shipped rule set version {rules.version}")
    try:
        rules = parse(Path(path).read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        refused = RuleSetError(str(path), None, f"cannot be read: {exc.strerror}")
    except RuleSetError as exc:
        refused = exc
    else:
        if last_good is not None:
            last_good.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, last_good)
        return LoadResult(rules, f"rule set version {rules.version} from {path}")
    if last_good is not None and last_good.exists():
        rules = parse(last_good.read_text(encoding="utf-8"), str(last_good))
        return LoadResult(rules, f"last good rule set version {rules.version} ({last_good})", refused)
    rules = parse(shipped.read_text(encoding="utf-8"), str(shipped))
    return LoadResult(rules, f"shipped rule set version {rules.version}", refused)
