# ruff: noqa: PLR2004, PLR0915, PLR0917 - the generator is a table of rates and probabilities, drawn in order
"""A synthetic police force: households, people, addresses and events, with the truth written beside them.

Everything is drawn from one seeded NumPy generator in a fixed order, so a seed gives the same extract
byte for byte. Arrays are built per scenario (domestic abuse, custody, missing episodes …) for all
households at once rather than person by person, which keeps a million events to well under a minute.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from upstream_analytics.generator import names as N  # noqa: N812 - a short alias for the name lists

END_DATE = dt.date(2026, 1, 1)  # fixed, so a seed gives the same extract whatever the day
ACE_WINDOW_MONTHS = 24

ACE_TYPES = (
    "domestic_abuse",
    "physical_abuse",
    "sexual_abuse",
    "emotional_abuse",
    "parental_imprisonment",
    "parental_drug_misuse",
    "parental_alcohol_misuse",
    "parental_mental_health",
)

MAX_CHILDREN = 4


@dataclass
class Extract:
    """The tables of a generated extract and its ground truth, as pandas frames."""

    events: pd.DataFrame
    people: pd.DataFrame
    locations: pd.DataFrame
    involvements: pd.DataFrame
    relationships: pd.DataFrame
    person_truth: pd.DataFrame
    child_aces: pd.DataFrame
    true_people: pd.DataFrame


def nickname_table() -> pd.DataFrame:
    """Returns the shipped nickname table (name, nickname), lower case."""
    path = resources.files("upstream_analytics") / "data" / "nicknames.csv"
    with path.open(encoding="utf-8") as handle:
        return pd.DataFrame(list(csv.DictReader(handle)))


def _days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


class _Builder:
    """Draws one extract; each method adds one part, in a fixed order."""

    def __init__(self, people: int, years: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.n_target = people
        self.years = years
        self.end = _days(END_DATE)
        self.start = _days(dt.date(END_DATE.year - years, 1, 1))
        self.events: list[pd.DataFrame] = []
        self.involvements: list[pd.DataFrame] = []
        self.truth_events: list[pd.DataFrame] = []  # event, true person, household, kind: for the ACE truth
        self.next_event = 0

    # --- households, people and addresses --------------------------------------------------------------
    def households(self) -> None:
        rng = self.rng
        estimate = int(self.n_target / 2.2) + 10
        adults = np.where(rng.random(estimate) < 0.62, 2, 1)
        children = rng.choice(np.arange(MAX_CHILDREN + 1), size=estimate, p=[0.42, 0.2, 0.22, 0.11, 0.05])
        sizes = adults + children
        keep = int(np.searchsorted(np.cumsum(sizes), self.n_target)) + 1
        adults, children = adults[:keep], children[:keep]
        h = len(adults)
        self.h = h
        self.h_adults, self.h_children = adults, children
        self.h_ace = rng.random(h) < 0.06  # ACE-heavy households
        self.h_risk = np.where(self.h_ace, 1.0, rng.gamma(0.6, 1 / 0.6, h))
        surnames = np.array(N.SURNAMES)
        weights = 1 / np.arange(1, len(surnames) + 1) ** 0.7
        self.h_surname = rng.choice(surnames, size=h, p=weights / weights.sum())
        # Addresses: one at the start, a second for the households who move during the period.
        n_loc_home = h
        moves = rng.random(h) < 0.18
        self.h_loc1 = np.arange(h)
        self.h_loc2 = np.where(moves, n_loc_home + np.cumsum(moves) - 1, self.h_loc1)
        self.h_move = np.where(moves, rng.integers(self.start + 30, self.end - 30, h), self.end + 1)
        n_home = n_loc_home + int(moves.sum())
        n_public = max(20, h // 10)
        self.n_home, self.n_public = n_home, n_public
        self._locations(n_home + n_public)

    def _locations(self, n: int) -> None:
        rng = self.rng
        district = rng.integers(0, len(N.DISTRICTS), n)
        sector = rng.integers(1, 10, n)
        unit = np.array([a + b for a in "ABDEFGHJLNPQRSTUWXYZ" for b in "ABDEFGHJLNPQRSTUWXYZ"])
        unit_pick = unit[rng.integers(0, len(unit), n)]
        outward = np.array([d for d, _ in N.DISTRICTS])[district]
        town = np.array([t for _, t in N.DISTRICTS])[district]
        postcode = np.char.add(np.char.add(np.char.add(outward, " "), sector.astype(str)), unit_pick)
        number = rng.integers(1, 240, n).astype(str)
        street = np.array(N.STREETS)[rng.integers(0, len(N.STREETS), n)]
        line = np.char.add(np.char.add(number, " "), street)
        flat = rng.random(n) < 0.12
        line = np.where(flat, np.char.add(np.char.add("Flat ", rng.integers(1, 20, n).astype(str)), ", "), "")
        line = np.char.add(line.astype(str), np.char.add(np.char.add(number, " "), street))
        public = np.arange(n) >= self.n_home
        line = np.where(public, np.char.add("Outside ", np.char.add(number, np.char.add(" ", street))), line)
        uprn = np.where((rng.random(n) < 0.7) & ~public, (100000000000 + rng.permutation(n) * 7 + 3).astype(str), "")
        lsoa = np.char.add("E0100", (1000 + district * 40 + sector * 4 + rng.integers(0, 4, n)).astype(str))
        lat = 53.8 + (district - 10) * 0.01 + rng.normal(0, 0.01, n)
        lon = -1.55 + (district - 10) * 0.012 + rng.normal(0, 0.01, n)
        self.locations = pd.DataFrame(
            {
                "location_id": np.char.add("L", np.arange(n).astype(str)),
                "uprn": uprn,
                "address_line": line,
                "town": town,
                "postcode": postcode,
                "latitude": np.round(lat, 5),
                "longitude": np.round(lon, 5),
                "area_code": lsoa,
            }
        )

    def people(self) -> None:
        rng = self.rng
        h = self.h
        size = self.h_adults + self.h_children
        hh = np.repeat(np.arange(h), size)
        slot = np.arange(len(hh)) - np.repeat(np.cumsum(size) - size, size)
        adult = slot < np.repeat(self.h_adults, size)
        n = len(hh)
        self.n = n
        self.p_household, self.p_adult = hh, adult
        first_of_h = np.cumsum(size) - size
        self.h_first = first_of_h
        # Sex: the first adult is usually the mother (victim in most DA scenarios), the second the father.
        sex = np.where(rng.random(n) < 0.5, "F", "M")
        sex = np.where(adult & (slot == 0), np.where(rng.random(n) < 0.85, "F", "M"), sex)
        sex = np.where(adult & (slot == 1), np.where(sex[np.maximum(np.arange(n) - 1, 0)] == "F", "M", "F"), sex)
        male, female = np.array(N.MALE_FORENAMES), np.array(N.FEMALE_FORENAMES)
        forename = np.where(sex == "M", male[rng.integers(0, len(male), n)], female[rng.integers(0, len(female), n)])
        middle = np.where(sex == "M", male[rng.integers(0, len(male), n)], female[rng.integers(0, len(female), n)])
        surname = self.h_surname[hh]
        other_surname = np.array(N.SURNAMES)[rng.integers(0, len(N.SURNAMES), n)]
        surname = np.where(adult & (slot == 1) & (rng.random(n) < 0.35), other_surname, surname)
        # Dates of birth: adults 19–60 at the start; children 0–17 at the end (some born during the period).
        adult_dob = self.start - rng.integers(19 * 365, 60 * 365, n)
        child_dob = self.end - rng.integers(30, 17 * 365 + 300, n)
        dob = np.where(adult, adult_dob, child_dob)
        # Twins: the second child takes the first child's date of birth and surname.
        previous_is_child = np.r_[False, (~adult[:-1]) & (hh[1:] == hh[:-1])]
        twin = (~adult) & previous_is_child & (rng.random(n) < 0.06)
        prev = np.maximum(np.arange(n) - 1, 0)
        dob = np.where(twin, dob[prev], dob)
        surname = np.where(twin, surname[prev], surname)
        # Nobody in a household shares a forename (or its nickname family) with another member: parents do
        # not give two children one name. Clashing members draw again until none is left.
        canonical = nickname_table().drop_duplicates("nickname").set_index("nickname")["name"]
        for _ in range(20):
            key = pd.Series(np.char.lower(forename.astype(str)))
            key = key.map(canonical).fillna(key).to_numpy()
            clash = pd.DataFrame({"h": hh, "k": key}).duplicated(["h", "k"]).to_numpy()
            if not clash.any():
                break
            redraw = np.where(sex == "M", male[rng.integers(0, len(male), n)], female[rng.integers(0, len(female), n)])
            forename = np.where(clash, redraw, forename)
        pnc_rate = np.where(self.h_ace[hh], 0.6, 0.12)
        has_pnc = adult & (rng.random(n) < pnc_rate)
        pnc = np.where(
            has_pnc,
            np.char.add(
                np.char.add(rng.integers(70, 100, n).astype(str), "/"),
                np.char.add(np.char.zfill(rng.integers(0, 999999, n).astype(str), 6), "X"),
            ),
            "",
        )
        phone = np.where(
            adult & (rng.random(n) < 0.5),
            np.char.add("07", np.char.zfill(rng.integers(0, 10**9, n).astype(str), 9)),
            "",
        )
        eth_codes = np.array(["W1", "W1", "W1", "W1", "W2", "A1", "A2", "B1", "B2", "M1", "O9", "IC1", "IC3"])
        ethnicity = eth_codes[rng.integers(0, len(eth_codes), h)][hh]
        self.true = pd.DataFrame(
            {
                "true_person_id": np.char.add("T", np.arange(n).astype(str)),
                "household": hh,
                "adult": adult,
                "slot": slot,
                "forename": forename,
                "middle_name": middle,
                "surname": surname,
                "sex": sex,
                "dob": dob,
                "twin": twin,
                "pnc_id": pnc,
                "phone": phone,
                "ethnicity": ethnicity,
            }
        )
        # Children slots per household, -1 where none: used to draw who is at each event.
        kids = np.full((h, MAX_CHILDREN), -1)
        child_idx = np.flatnonzero(~adult)
        kids[hh[child_idx], slot[child_idx] - self.h_adults[hh[child_idx]]] = child_idx
        self.h_kids = kids
        self.h_adult1 = first_of_h
        self.h_adult2 = np.where(self.h_adults == 2, first_of_h + 1, -1)

    def records(self) -> None:
        """Draws the person records: one or more per true person, with the errors real systems hold."""
        rng = self.rng
        t = self.true
        n = self.n
        extra = np.minimum(rng.poisson(np.where(self.h_ace[t["household"]], 0.9, 0.2)), 5)
        count = 1 + extra
        self.rec_start = np.cumsum(count) - count
        self.rec_count = count
        owner = np.repeat(np.arange(n), count)
        r = len(owner)
        first = np.r_[True, owner[1:] != owner[:-1]]
        noisy = np.where(first, 0.35, 1.0)  # the first record is cleaner; duplicates carry the errors
        u = lambda: rng.random(r)  # noqa: E731 - one draw per record, in a fixed order
        forename = t["forename"].to_numpy()[owner].astype(object)
        surname = t["surname"].to_numpy()[owner].astype(object)
        middle = np.where(u() < 0.3, t["middle_name"].to_numpy()[owner], "").astype(object)
        nick = nickname_table()
        nick_map: dict[str, list[str]] = {}
        for name, nickname in zip(nick["name"], nick["nickname"], strict=True):
            nick_map.setdefault(name, []).append(nickname)
        use_nick = u() < 0.18 * noisy
        typo_f = u() < 0.10 * noisy
        typo_s = u() < 0.09 * noisy
        swap = u() < 0.03 * noisy
        title = u() < 0.02
        case = u()
        pick = u()
        for i in np.flatnonzero(use_nick):
            options = nick_map.get(forename[i].lower())
            if options:
                forename[i] = options[int(pick[i] * len(options))].title()
        for i in np.flatnonzero(typo_f):
            forename[i] = _typo(forename[i], pick[i])
        for i in np.flatnonzero(typo_s):
            surname[i] = _typo(surname[i], 1 - pick[i])
        forename, surname = np.where(swap, surname, forename), np.where(swap, forename, surname)
        forename = np.where(title, np.where(t["sex"].to_numpy()[owner] == "M", "Mr ", "Ms ") + forename, forename)
        upper = case < 0.15 * noisy
        lower = (case >= 0.15 * noisy) & (case < 0.2 * noisy)
        forename = np.where(upper, np.char.upper(forename.astype(str)), forename)
        surname = np.where(upper, np.char.upper(surname.astype(str)), surname)
        forename = np.where(lower, np.char.lower(forename.astype(str)), forename)
        # Punctuation is dropped by some systems: O'Brien → OBrien, Smith-Jones → Smith Jones.
        punct = u() < 0.2 * noisy
        surname_s = surname.astype(str)
        surname = np.where(punct, np.char.replace(np.char.replace(surname_s, "'", ""), "-", " "), surname_s)
        # Dates of birth: full, partial, missing, day and month swapped, or a digit wrong.
        dob_days = t["dob"].to_numpy()[owner]
        dates = pd.to_datetime(dob_days, unit="D")
        full = dates.strftime("%Y-%m-%d").to_numpy().astype(object)
        d = u()
        day, month = dates.day.to_numpy(), dates.month.to_numpy()
        year_s = dates.strftime("%Y").to_numpy()
        swapped = np.char.add(
            np.char.add(year_s.astype(str), "-"),
            np.char.add(np.char.add(np.char.zfill(day.astype(str), 2), "-"), np.char.zfill(month.astype(str), 2)),
        )
        wrong_day = np.char.add(
            np.char.add(year_s.astype(str), "-"),
            np.char.add(
                np.char.add(np.char.zfill(month.astype(str), 2), "-"),
                np.char.zfill(((day + np.where(day < 20, 10, -10) - 1) % 28 + 1).astype(str), 2),
            ),
        )
        dob = full
        dob = np.where(d < 0.05 * noisy, year_s, dob)
        dob = np.where((d >= 0.05 * noisy) & (d < 0.10 * noisy), dates.strftime("%Y-%m").to_numpy(), dob)
        dob = np.where((d >= 0.10 * noisy) & (d < 0.16 * noisy), "", dob)
        dob = np.where((d >= 0.16 * noisy) & (d < 0.19 * noisy) & (day <= 12) & (day != month), swapped, dob)
        dob = np.where((d >= 0.19 * noisy) & (d < 0.21 * noisy), wrong_day, dob)
        sex = t["sex"].to_numpy()[owner]
        s = u()
        sex = np.where(s < 0.04 * noisy, "U", np.where(s < 0.07 * noisy, "", sex))
        pnc = t["pnc_id"].to_numpy()[owner]
        pnc = np.where(u() < 0.6, pnc, "")
        phone = np.where(u() < 0.5, t["phone"].to_numpy()[owner], "")
        eth = np.where(u() < 0.7, t["ethnicity"].to_numpy()[owner], "")
        # The address on a record is the household's address when the record was made.
        hh = t["household"].to_numpy()[owner]
        made = rng.integers(self.start, self.end, r)
        loc = np.where(made >= self.h_move[hh], self.h_loc2[hh], self.h_loc1[hh])
        loc_id = np.char.add("L", loc.astype(str))
        loc_id = np.where(u() < 0.07, "", loc_id)
        pid = np.char.add("P", np.char.zfill((rng.permutation(r) + 1).astype(str), 8))
        self.rec_pid = pid
        self.rec_owner = owner
        self.people_frame = pd.DataFrame(
            {
                "person_id": pid,
                "forename": forename,
                "middle_names": middle,
                "surname": surname,
                "date_of_birth": dob,
                "sex": sex,
                "ethnicity": eth,
                "address_location_id": loc_id,
                "pnc_id": pnc,
                "phone": phone,
            }
        )
        self.person_truth = pd.DataFrame(
            {"person_id": pid, "true_person_id": t["true_person_id"].to_numpy()[owner]}
        ).sort_values("person_id")

    # --- events ------------------------------------------------------------------------------------------
    def _record_for(self, person: np.ndarray) -> np.ndarray:
        """Returns one of each true person's records, at random (the caller picks which person)."""
        pick = self.rec_start[person] + np.floor(self.rng.random(len(person)) * self.rec_count[person]).astype(int)
        return self.rec_pid[pick]

    def _add(
        self,
        kind: str,
        hh: np.ndarray,
        day: np.ndarray,
        event_type: np.ndarray | str,
        category: np.ndarray | str,
        offence: np.ndarray | str,
        flags: np.ndarray | str,
        outcome: np.ndarray | str,
        participants: list[tuple[np.ndarray, str, str, np.ndarray | None]],
        *,
        at_home: np.ndarray | bool = True,
    ) -> np.ndarray:
        """Adds events of one scenario and their involvements; returns the new event numbers."""
        rng = self.rng
        m = len(hh)
        if m == 0:
            return np.array([], dtype=int)
        ids = np.arange(self.next_event, self.next_event + m)
        self.next_event += m
        home = np.where(day >= self.h_move[hh], self.h_loc2[hh], self.h_loc1[hh])
        public = self.n_home + rng.integers(0, self.n_public, m)
        loc = np.where(at_home, home, public)
        seconds = rng.integers(0, 86400, m)
        stamp = pd.to_datetime(day, unit="D") + pd.to_timedelta(seconds, unit="s")
        grade = np.array(["IMMEDIATE", "PRIORITY", "SCHEDULED", "APPOINTMENT", "RESOLUTION_WITHOUT_DEPLOYMENT"])
        frame = pd.DataFrame(
            {
                "event_id": np.char.add("E", np.char.zfill(ids.astype(str), 9)),
                "event_type": event_type,
                "occurred_at": stamp.strftime("%Y-%m-%dT%H:%M:%S").to_numpy(),
                "location_id": np.char.add("L", loc.astype(str)),
                "category": category,
                "offence_code": offence,
                "flags": flags,
                "outcome": outcome,
                "grade": grade[rng.choice(5, m, p=[0.3, 0.35, 0.2, 0.1, 0.05])],
                "source_system": np.where(np.asarray(event_type) == "CALL", "CAD", "RMS"),
            }
        )
        self.events.append(frame)
        for person, role, relationship, mask in participants:
            keep = (person >= 0) if mask is None else (person >= 0) & mask
            if not keep.any():
                continue
            p = person[keep]
            self.involvements.append(
                pd.DataFrame(
                    {
                        "event_id": frame["event_id"].to_numpy()[keep],
                        "person_id": self._record_for(p),
                        "role": role,
                        "relationship": relationship,
                    }
                )
            )
            self.truth_events.append(
                pd.DataFrame(
                    {
                        "event": ids[keep],
                        "person": p,
                        "household": hh[keep],
                        "kind": kind,
                        "role": role,
                        "day": day[keep],
                        "outcome": np.broadcast_to(np.asarray(outcome, dtype=object), (m,))[keep],
                        "flags": np.broadcast_to(np.asarray(flags, dtype=object), (m,))[keep],
                        "offence": np.broadcast_to(np.asarray(offence, dtype=object), (m,))[keep],
                    }
                )
            )
        return ids

    def _draw(self, rate: float, ace_rate: float, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Returns (household, day) for a scenario's events: Poisson per household, days uniform."""
        lam = np.where(self.h_ace, ace_rate, rate * self.h_risk) * self.years
        if mask is not None:
            lam = np.where(mask, lam, 0)
        count = self.rng.poisson(lam)
        hh = np.repeat(np.arange(self.h), count)
        day = self.rng.integers(self.start, self.end, len(hh))
        return hh, day

    def _choice(self, options: list[str], size: int, p: list[float] | None = None) -> np.ndarray:
        return np.array(options, dtype=object)[self.rng.choice(len(options), size, p=p)]

    def _child_at(self, hh: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Returns a random child of each household born by the event and under 18 on it, or -1."""
        kids = self.h_kids[hh]
        dob = np.where(kids >= 0, self.true["dob"].to_numpy()[np.maximum(kids, 0)], 1 << 40)
        ok = (kids >= 0) & (dob <= day[:, None]) & (day[:, None] < dob + 18 * 365)
        score = np.where(ok, self.rng.random(kids.shape), -1)
        best = score.argmax(axis=1)
        chosen = kids[np.arange(len(hh)), best]
        return np.where(ok.any(axis=1), chosen, -1)

    def _children_present(self, hh: np.ndarray, day: np.ndarray, p: float) -> list[tuple[Any, str, str, Any]]:
        """Returns one participant column per child slot: present if born, a child, and drawn."""
        out = []
        dobs = self.true["dob"].to_numpy()
        for k in range(MAX_CHILDREN):
            kid = self.h_kids[hh, k]
            dob = np.where(kid >= 0, dobs[np.maximum(kid, 0)], 1 << 40)
            ok = (kid >= 0) & (dob <= day) & (day < dob + 18 * 365) & (self.rng.random(len(hh)) < p)
            out.append((kid, "CHILD_PRESENT", "CHILD", ok))
        return out

    def scenarios(self) -> None:
        rng = self.rng
        two = self.h_adults == 2
        has_kids: np.ndarray = np.asarray((self.h_kids >= 0).any(axis=1))
        a1, a2 = self.h_adult1, self.h_adult2

        # Domestic abuse between the adults, children present or at home.
        hh, day = self._draw(0.02, 1.2, two)
        m = len(hh)
        crime = rng.random(m) < 0.5
        code = np.where(crime, self._choice(["8N", "105A", "8U", "8R", "8Q"], m, [0.3, 0.35, 0.15, 0.15, 0.05]), "")
        flags = np.where(rng.random(m) < 0.4, "DA;ALCOHOL", "DA")
        flags = np.where(rng.random(m) < 0.15, flags + ";DRUGS", flags)
        outcome = np.where(crime, self._choice(["CHARGED", "NFA", "RUI", "CAUTION", "BAIL"], m), "")
        victim_first = rng.random(m) < 0.8
        victim = np.where(victim_first, a1[hh], a2[hh])
        suspect = np.where(victim_first, a2[hh], a1[hh])
        self._add(
            "da",
            hh,
            day,
            np.where(crime, "CRIME", "INCIDENT"),
            np.where(crime, "Domestic abuse crime", "Domestic incident"),
            code,
            flags,
            outcome,
            [
                (victim, "VICTIM", "", None),
                (suspect, "SUSPECT", "PARTNER", None),
                *self._children_present(hh, day, 0.6),
            ],
        )

        # Physical abuse and neglect of a child by a parent.
        hh, day = self._draw(0.002, 0.25, has_kids)
        child = self._child_at(hh, day)
        m = len(hh)
        parent = np.where((a2[hh] >= 0) & (rng.random(m) < 0.5), a2[hh], a1[hh])
        self._add(
            "physical",
            hh,
            day,
            "CRIME",
            "Child cruelty",
            self._choice(["11A", "8N", "105A"], m, [0.5, 0.25, 0.25]),
            "",
            self._choice(["CHARGED", "NFA", "RUI", "CAUTION"], m),
            [(child, "VICTIM", "", None), (parent, "SUSPECT", "PARENT", child >= 0)],
        )

        # Sexual abuse of a child: by someone in the household or an acquaintance.
        hh, day = self._draw(0.0008, 0.08, has_kids)
        child = self._child_at(hh, day)
        m = len(hh)
        inside = rng.random(m) < 0.5
        outsider = self.h_adult1[rng.integers(0, self.h, m)]
        suspect = np.where(inside, a1[hh], outsider)
        self._add(
            "sexual",
            hh,
            day,
            "CRIME",
            "Sexual offence",
            self._choice(["17B", "20B", "22B", "19E", "19D"], m),
            np.where(rng.random(m) < 0.3, "CSE", ""),
            self._choice(["CHARGED", "NFA", "RUI"], m),
            [(child, "VICTIM", "", None), (suspect, "SUSPECT", "", child >= 0)],
            at_home=inside,
        )

        # Custody: adults arrested and held, with an outcome.
        hh, day = self._draw(0.01, 0.6)
        m = len(hh)
        who = np.where((a2[hh] >= 0) & (rng.random(m) < 0.7), a2[hh], a1[hh])
        self._add(
            "custody",
            hh,
            day,
            "CUSTODY",
            "Custody",
            self._choice(["8N", "92A", "28E", "49", "58A", "105A"], m),
            np.where(rng.random(m) < 0.3, "DRUGS", ""),
            self._choice(
                ["CHARGED", "REMANDED", "IMPRISONED", "BAIL", "RELEASED", "NFA", "CAUTION"],
                m,
                [0.2, 0.12, 0.1, 0.2, 0.18, 0.15, 0.05],
            ),
            [(who, "DETAINED", "", None)],
            at_home=False,
        )

        # Drug misuse by an adult, some of it at home with a warrant and children there.
        hh, day = self._draw(0.006, 0.5)
        m = len(hh)
        who = np.where((a2[hh] >= 0) & (rng.random(m) < 0.6), a2[hh], a1[hh])
        warrant = rng.random(m) < 0.3
        self._add(
            "drugs",
            hh,
            day,
            "CRIME",
            np.where(warrant, "Drugs warrant", "Drugs offence"),
            self._choice(["92A", "92D", "92E"], m),
            "DRUGS",
            self._choice(["CHARGED", "CAUTION", "COMMUNITY_RESOLUTION", "NFA"], m),
            [(who, "SUSPECT", "", None), *self._children_present(hh, day, 0.8 * 1.0)],
            at_home=warrant,
        )

        # Alcohol: drunk adults, domestic disturbances, concern for welfare.
        hh, day = self._draw(0.01, 0.9)
        m = len(hh)
        who = np.where((a2[hh] >= 0) & (rng.random(m) < 0.5), a2[hh], a1[hh])
        self._add(
            "alcohol",
            hh,
            day,
            "INCIDENT",
            self._choice(["Drunk and disorderly", "Concern for welfare", "Disturbance"], m),
            "",
            "ALCOHOL",
            "",
            [(who, "SUBJECT", "", None)],
            at_home=rng.random(m) < 0.5,
        )

        # Mental ill health of an adult: s136 detentions, self-harm, concern for welfare.
        hh, day = self._draw(0.006, 0.4)
        m = len(hh)
        who = np.where((a2[hh] >= 0) & (rng.random(m) < 0.4), a2[hh], a1[hh])
        s136 = rng.random(m) < 0.35
        self._add(
            "mental_health",
            hh,
            day,
            np.where(s136, "S136", "INCIDENT"),
            np.where(s136, "Section 136 detention", "Concern for welfare"),
            "",
            np.where(rng.random(m) < 0.4, "MENTAL_HEALTH;SELF_HARM", "MENTAL_HEALTH"),
            "",
            [(who, "DETAINED", "", s136), (who, "SUBJECT", "", ~s136)],
            at_home=~s136,
        )

        # Missing children: some go missing again and again.
        hh, day = self._draw(0.01, 0.5, has_kids)
        child = self._child_at(hh, day)
        m = len(hh)
        self._add(
            "missing",
            hh,
            day,
            "MISSING",
            "Missing person",
            "",
            np.where(rng.random(m) < 0.1, "CCE", ""),
            "",
            [(child, "MISSING_PERSON", "", None), (a1[hh], "REPORTER", "PARENT", child >= 0)],
        )

        # Calls for service: most households ring now and then; a few ring a great deal.
        frequent = rng.random(self.h) < 0.01
        lam_scale = np.where(frequent, 12.0, 1.0)
        lam = 0.06 * self.h_risk * lam_scale * self.years
        count = rng.poisson(lam)
        hh = np.repeat(np.arange(self.h), count)
        day = rng.integers(self.start, self.end, len(hh))
        m = len(hh)
        self._add(
            "call",
            hh,
            day,
            "CALL",
            self._choice(["Concern for welfare", "Suspicious activity", "Noise", "Neighbour dispute", "ASB"], m),
            "",
            "",
            "",
            [(a1[hh], "REPORTER", "", None)],
        )

        # Ordinary crime: burglary at home, theft, criminal damage, violence outside the home.
        hh, day = self._draw(0.03, 0.2)
        m = len(hh)
        code = self._choice(["28E", "49", "46", "58A", "8N", "105A", "9A"], m, [0.2, 0.25, 0.15, 0.15, 0.1, 0.1, 0.05])
        youth = rng.random(m) < 0.2
        child = self._child_at(hh, day)
        victim = np.where(youth & (child >= 0), child, a1[hh])
        stranger = rng.integers(0, self.h, m)
        offender = np.where(rng.random(m) < 0.4, self.h_adult1[stranger], -1)
        self._add(
            "crime",
            hh,
            day,
            "CRIME",
            "Crime",
            code,
            np.where(rng.random(m) < 0.05, "WEAPON", ""),
            self._choice(["NFA", "CHARGED", "RUI", "CAUTION"], m, [0.6, 0.2, 0.15, 0.05]),
            [(victim, "VICTIM", "", None), (offender, "SUSPECT", "STRANGER", None)],
            at_home=code == "28E",
        )

        # Children drawn into exploitation: child suspect in drugs supply.
        hh, day = self._draw(0.0005, 0.1, has_kids)
        child = self._child_at(hh, day)
        m = len(hh)
        self._add(
            "exploitation",
            hh,
            day,
            "CRIME",
            "Drugs supply",
            "92A",
            "CCE;DRUGS",
            self._choice(["NFA", "CHARGED", "RUI"], m),
            [(child, "SUSPECT", "", None)],
            at_home=False,
        )

    def relationships(self) -> pd.DataFrame:
        """Returns the family links the source asserts: some parents of children, some partners."""
        rng = self.rng
        t = self.true
        child = np.flatnonzero(~t["adult"].to_numpy())
        hh = t["household"].to_numpy()[child]
        parent = self.h_adult1[hh]
        keep = rng.random(len(child)) < 0.4
        rows = [
            pd.DataFrame(
                {
                    "person_id_a": self._record_for(parent[keep]),
                    "person_id_b": self._record_for(child[keep]),
                    "relationship": "PARENT_OF",
                }
            )
        ]
        pairs = np.flatnonzero((self.h_adult2 >= 0) & (rng.random(self.h) < 0.3))
        rows.append(
            pd.DataFrame(
                {
                    "person_id_a": self._record_for(self.h_adult1[pairs]),
                    "person_id_b": self._record_for(self.h_adult2[pairs]),
                    "relationship": "PARTNER_OF",
                }
            )
        )
        return pd.concat(rows, ignore_index=True)

    def child_aces(self) -> pd.DataFrame:
        """Returns each child's true ACE types over the 24 months to the end of the extract."""
        te = pd.concat(self.truth_events, ignore_index=True)
        as_of = self.end - 1
        window_start = _days(dt.date(END_DATE.year - 2, END_DATE.month, END_DATE.day))
        te = te[(te["day"] >= window_start) & (te["day"] <= as_of)]
        t = self.true
        dobs = t["dob"].to_numpy()
        is_adult = t["adult"].to_numpy()
        found: list[pd.DataFrame] = []

        def household_children(events: pd.DataFrame, ace: str) -> None:
            # Every child of the household, born by the event and under 18 on it, lived with it.
            ev = events[["household", "day"]].drop_duplicates()
            for k in range(MAX_CHILDREN):
                kid = self.h_kids[ev["household"].to_numpy(), k]
                dob = np.where(kid >= 0, dobs[np.maximum(kid, 0)], 1 << 40)
                ok = (kid >= 0) & (dob <= ev["day"].to_numpy()) & (ev["day"].to_numpy() < dob + 18 * 365)
                found.append(pd.DataFrame({"person": kid[ok], "ace": ace}))

        adult_role = is_adult[te["person"].to_numpy()]
        child_role = ~adult_role
        household_children(te[(te["kind"] == "da")], "domestic_abuse")
        household_children(te[(te["kind"] == "da") & te["offence"].isin(["8U", "8R", "8Q"])], "emotional_abuse")
        victim_child = te[child_role & (te["role"] == "VICTIM")]
        found.append(
            pd.DataFrame(
                {"person": victim_child[victim_child["kind"] == "physical"]["person"], "ace": "physical_abuse"}
            )
        )
        found.append(
            pd.DataFrame({"person": victim_child[victim_child["kind"] == "sexual"]["person"], "ace": "sexual_abuse"})
        )
        adults = te[adult_role]
        household_children(
            adults[(adults["kind"] == "custody") & adults["outcome"].isin(["REMANDED", "IMPRISONED"])],
            "parental_imprisonment",
        )
        household_children(adults[adults["kind"] == "drugs"], "parental_drug_misuse")
        household_children(adults[adults["kind"] == "mental_health"], "parental_mental_health")
        # Alcohol misuse needs two alcohol-flagged events of one adult within 12 months.
        alcohol = adults[adults["flags"].astype(str).str.contains("ALCOHOL")][["person", "household", "day"]]
        alcohol = alcohol.drop_duplicates().sort_values(["person", "day"])
        gap = alcohol.groupby("person")["day"].diff()
        household_children(alcohol[gap <= 365], "parental_alcohol_misuse")
        aces = pd.concat(found, ignore_index=True).drop_duplicates()
        children = np.flatnonzero(~is_adult & (dobs <= as_of) & (as_of < dobs + 18 * 365))
        table = pd.DataFrame({"person": children})
        grouped = aces.groupby("person")["ace"].apply(lambda s: ";".join(sorted(set(s))))
        table["ace_types"] = table["person"].map(grouped).fillna("")
        table["ace_count"] = table["ace_types"].map(lambda s: len(s.split(";")) if s else 0)
        table["true_person_id"] = t["true_person_id"].to_numpy()[table["person"]]
        table["date_of_birth"] = pd.to_datetime(dobs[table["person"]], unit="D").strftime("%Y-%m-%d")
        table["as_of"] = pd.Timestamp(as_of, unit="D").strftime("%Y-%m-%d")
        table["window_months"] = ACE_WINDOW_MONTHS
        return table[["true_person_id", "date_of_birth", "ace_types", "ace_count", "as_of", "window_months"]]


def _typo(word: str, u: float) -> str:
    """Returns the word with one keyboard slip: a letter dropped, doubled, swapped or changed."""
    if len(word) < 3:
        return word
    pos = 1 + int(u * 997) % (len(word) - 2)
    kind = int(u * 7919) % 4
    if kind == 0:
        return word[:pos] + word[pos + 1 :]
    if kind == 1:
        return word[:pos] + word[pos] + word[pos:]
    if kind == 2:
        return word[: pos - 1] + word[pos] + word[pos - 1] + word[pos + 1 :]
    letters = "aeioulnrst"
    return word[:pos] + letters[int(u * 104729) % len(letters)] + word[pos + 1 :]


def generate(people: int, years: int = 5, seed: int = 1) -> Extract:
    """Returns a synthetic extract of about `people` real people over `years` years, with its truth."""
    b = _Builder(people, years, seed)
    b.households()
    b.people()
    b.records()
    b.scenarios()
    relationships = b.relationships()
    child_aces = b.child_aces()
    events = pd.concat(b.events, ignore_index=True)
    involvements = pd.concat(b.involvements, ignore_index=True).drop_duplicates(["event_id", "person_id", "role"])
    true_people = b.true.assign(
        date_of_birth=pd.to_datetime(b.true["dob"], unit="D").dt.strftime("%Y-%m-%d"),
        household_id=np.char.add("H", b.true["household"].to_numpy().astype(str)),
    )[["true_person_id", "household_id", "forename", "surname", "sex", "date_of_birth", "adult", "twin"]]
    return Extract(
        events=events,
        people=b.people_frame,
        locations=b.locations,
        involvements=involvements,
        relationships=relationships,
        person_truth=b.person_truth,
        child_aces=child_aces,
        true_people=true_people,
    )


def write(extract: Extract, out: Path, *, fmt: str = "csv") -> dict[str, int]:
    """Writes the extract (one file per table) and truth/ beside it; returns the row count per table."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    counts: dict[str, int] = {}
    tables = {
        "events": extract.events,
        "people": extract.people,
        "locations": extract.locations,
        "involvements": extract.involvements,
        "relationships": extract.relationships,
    }
    for name, frame in tables.items():
        arrow = pa.Table.from_pandas(
            frame.astype(str) if name != "locations" else _stringify(frame), preserve_index=False
        )
        if fmt == "parquet":
            pq.write_table(arrow, out / f"{name}.parquet")
        else:
            pacsv.write_csv(arrow, out / f"{name}.csv")
        counts[name] = len(frame)
    extract.person_truth.to_csv(out / "truth" / "person_truth.csv", index=False)
    extract.child_aces.to_csv(out / "truth" / "child_aces.csv", index=False)
    extract.true_people.to_csv(out / "truth" / "true_people.csv", index=False)
    return counts


def _stringify(frame: pd.DataFrame) -> pd.DataFrame:
    """Returns the frame with every column as text, as an extract holds it."""
    return frame.astype(str)
