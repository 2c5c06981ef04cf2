"""The demo's problem-solving plans: about forty in every stage, some good and some poor, over eighteen months.

Each plan belongs to one of the demo force's neighbourhood teams and lies in one of its wards; some are
joined by partners (the city council, the youth trust and Harbour Light, whose demo caseworker can then see
and update their own actions). Deterministic for a seed. Like the referrals demo, the plans are written
directly with back-dated times, so they write no audit events (the audit log records acts that happened).
A second run changes nothing: plans are recognised by their titles.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from upstream.accounts.models import Organisation
from upstream.core.roles import Role
from upstream.places.models import Area, AreaLevel
from upstream.problems.models import (
    Action,
    ActionStatus,
    ComparisonKind,
    DataSource,
    DataSourceKind,
    Decision,
    EmmieEffect,
    EvidenceReference,
    Finding,
    Impact,
    PlanEvent,
    PlanPartner,
    ProblemPlan,
    Stage,
    Technique,
)
from upstream.problems.services import rescore

order = 70
label = "Problem-solving plans"

PLAN_COUNT = 40
# How many plans stop at each stage: every stage has some.
STAGE_SHARES = (
    (Stage.SCANNING, 9),
    (Stage.ANALYSIS, 8),
    (Stage.RESPONSE, 9),
    (Stage.ASSESSMENT, 6),
    (Stage.CLOSED, 8),
)
PROBLEMS = (
    # (problem type, title, who is harmed, the measure, a finding, a hypothesis, a situational technique)
    ("youth_disorder", "Young people gathering and shouting at the play area", "Residents overlooking the play area",
     "Calls about youth disorder at the play area", "Most calls are on Friday and Saturday evenings after 8pm",
     "Nothing else to do in the evenings, and a dark play area nobody manages", Technique.NATURAL_SURVEILLANCE),
    ("asb", "Nuisance motorbikes on the recreation ground", "Dog walkers and families using the ground",
     "Calls about off-road bikes", "Bikes enter through a broken gate on the lane",
     "Open access and no one responsible for the gate", Technique.CONTROL_ACCESS),
    ("drugs", "Drug dealing by the shops at the parade", "Shopkeepers and customers",
     "Reports of dealing at the parade", "Dealing happens in the unlit alley behind the shops",
     "The alley is hidden from view and has no guardian", Technique.EXTEND_GUARDIANSHIP),
    ("burglary", "Shed and garage burglaries in the allotment streets", "Householders and allotment holders",
     "Recorded burglaries of sheds and garages", "Most sheds entered had no lock or a weak hasp",
     "Easy targets with tools inside, on a route walked at night", Technique.TARGET_HARDEN),
    ("vehicle_crime", "Thefts from vehicles at the station car park", "Commuters",
     "Thefts from vehicles at the car park", "Items left on show in cars parked far from the entrance",
     "Visible goods and no surveillance in the far rows", Technique.CONCEAL_TARGETS),
    ("criminal_damage", "Graffiti and damage at the bus shelters", "Bus users and the council",
     "Reports of damage to shelters", "Damage follows within a day of earlier graffiti left uncleaned",
     "Damage left in place invites more", Technique.DENY_BENEFITS),
    ("violence", "Late-night fights outside the takeaways", "Night-time economy customers and staff",
     "Assaults between 11pm and 3am", "Fights start in the taxi queue at closing time",
     "Crowding and frustration at one taxi rank when the bars close", Technique.REDUCE_FRUSTRATION),
    ("shoplifting", "Repeat shoplifting at the convenience store", "The shop's staff",
     "Shoplifting reports from the store", "Alcohol by the door is most often taken",
     "High-value goods within reach of the exit", Technique.REMOVE_TARGETS),
)  # fmt: skip
PARTNER_KEYS = ("city_council", "youth_charity", "family_charity")


def _wards_of(team: Any) -> list[Area]:
    return list(team.areas.filter(level=AreaLevel.WARD).order_by("code"))


def build(context: Any) -> dict[str, int]:
    """Creates about forty demo plans in every stage (a second run changes nothing)."""
    counts = {"plans created": 0}
    police = context.organisations.get("police")
    supervisor = context.users.get(Role.SUPERVISOR)
    officer = context.users.get(Role.OFFICER) or supervisor
    teams = [t for key, t in sorted(context.teams.items()) if key.startswith("npt_")]
    if police is None or supervisor is None or not teams:
        return counts
    partners = [context.organisations[k] for k in PARTNER_KEYS if k in context.organisations]
    now = timezone.now()
    stages = [stage for stage, n in STAGE_SHARES for _ in range(n)]
    for index, stage in enumerate(stages[:PLAN_COUNT]):
        # One generator per plan, so a plan already made (and skipped) never shifts what the next one draws.
        rng = context.random(f"problems:{index}")
        team = teams[index % len(teams)]
        wards = _wards_of(team)
        if not wards:
            continue
        # Problems and wards rotate with the plan's number, so no two plans share a title.
        ward = wards[(index // len(teams)) % len(wards)]
        problem = PROBLEMS[index % len(PROBLEMS)]
        title = f"{problem[1]}, {ward.name}"
        good = rng.random() < 0.5  # noqa: PLR2004 - half the plans are done well
        if ProblemPlan.objects.filter(organisation=police, title=title).exists():
            continue
        created = now - dt.timedelta(days=rng.randint(20, 540))
        plan = _make_plan(
            rng, police=police, team=team, ward=ward, supervisor=supervisor, officer=officer,
            problem=problem, title=title, created=created, stage=stage, good=good, partners=partners,
        )  # fmt: skip
        rescore(plan)
        counts["plans created"] += 1
    return counts


def _make_plan(
    rng: random.Random,
    *,
    police: Organisation,
    team: Any,
    ward: Area,
    supervisor: Any,
    officer: Any,
    problem: tuple[Any, ...],
    title: str,
    created: dt.datetime,
    stage: str,
    good: bool,
    partners: list[Organisation],
) -> ProblemPlan:
    problem_type, _title, harmed, measure, finding_text, hypothesis, technique = problem
    reached = [s for s, _n in STAGE_SHARES]
    depth = reached.index(Stage(stage))
    baseline = rng.randint(20, 160)
    start = (created - dt.timedelta(days=182)).date()
    plan = ProblemPlan.objects.create(
        title=title,
        description=f"{problem[1]}. Raised repeatedly by residents and seen in the calls data.",
        problem_type=problem_type,
        organisation=police,
        team=team,
        area=ward,
        supervisor=supervisor,
        created_by=officer,
        created_at=created,
        updated_at=created,
        stage=Stage.SCANNING,
        who_harmed=harmed,
        how_noticed="Repeat calls and a ward panel meeting",
        when_happens="Evenings and weekends",
        baseline_measure=measure,
        baseline_value=baseline,
        baseline_start=start,
        baseline_end=created.date(),
        latitude=ward.centroid_latitude,
        longitude=ward.centroid_longitude,
    )
    _event(plan, officer, "created", created, to_stage=Stage.SCANNING)
    DataSource.objects.create(
        plan=plan, kind=DataSourceKind.CALLS, description="Calls for service, last six months", is_police=True
    )
    if good:
        DataSource.objects.create(
            plan=plan, kind=DataSourceKind.COMMUNITY_INPUT, description="Ward panel and door-knocking", is_police=False
        )
    joined = []
    if partners and (good or rng.random() < 0.3):  # noqa: PLR2004 - some poor plans have partners too
        joined = rng.sample(partners, k=min(len(partners), rng.randint(1, 2)))
        for partner in joined:
            PlanPartner.objects.create(plan=plan, organisation=partner, added_by=officer, joined_at=created)
    when = created
    if depth >= 1:
        when = _moved(plan, supervisor, when, rng, from_stage=Stage.SCANNING, to_stage=Stage.ANALYSIS)
    if depth >= 2:  # noqa: PLR2004 - response
        finding = _analyse(plan, finding_text, hypothesis, good)
        when = _moved(plan, supervisor, when, rng, from_stage=Stage.ANALYSIS, to_stage=Stage.RESPONSE)
        responded = when
        # A plan that went past the response passed its gate: every action linked and an impact chosen.
        _respond(plan, rng, finding, technique, good=good, joined=joined, when=when, passed=depth >= 3)  # noqa: PLR2004
    if depth >= 3:  # noqa: PLR2004 - assessment
        when = _moved(plan, supervisor, when, rng, from_stage=Stage.RESPONSE, to_stage=Stage.ASSESSMENT)
    if depth >= 4:  # noqa: PLR2004 - closed
        _assess(plan, rng, baseline, good, responded, when)
        when = _moved(plan, supervisor, when, rng, from_stage=Stage.ASSESSMENT, to_stage=Stage.CLOSED)
        plan.closed_at = when
    plan.stage = stage
    plan.updated_at = when
    plan.version = 1 + plan.events.count()
    plan.save()
    return plan


def _event(
    plan: ProblemPlan, actor: Any, kind: str, when: dt.datetime, *, from_stage: str = "", to_stage: str = ""
) -> None:
    PlanEvent.objects.create(
        plan=plan,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        actor_label=actor.get_username(),
        organisation_id=actor.organisation_id,
        occurred_at=when,
    )


def _moved(
    plan: ProblemPlan, supervisor: Any, when: dt.datetime, rng: random.Random, *, from_stage: str, to_stage: str
) -> dt.datetime:
    later = min(when + dt.timedelta(days=rng.randint(5, 40)), timezone.now())
    _event(plan, supervisor, "moved", later, from_stage=from_stage, to_stage=to_stage)
    return later


def _analyse(plan: ProblemPlan, finding_text: str, hypothesis: str, good: bool) -> Finding:
    plan.offender = "Local young people and some from neighbouring estates"
    plan.victim = plan.who_harmed
    plan.location = f"In and around the problem location in {plan.area.name}"
    plan.hypothesis = hypothesis
    plan.question_what = plan.description
    plan.question_when = "Mostly evenings and weekends"
    if good:
        plan.offender_handler = "Parents, youth workers and school staff"
        plan.victim_guardian = "Neighbours and the residents' association"
        plan.location_manager = "The council's estate management team"
        plan.concentration_time = "Two thirds of calls fall on Friday and Saturday between 8pm and midnight"
        plan.concentration_place = "Four in five calls are within 100 metres of one spot"
        plan.concentration_from_data = True
        plan.question_where = plan.location
        plan.question_who = plan.offender
        plan.question_why = hypothesis
        plan.question_how = "Groups arrive on foot and on bikes"
        EvidenceReference.objects.create(
            plan=plan,
            title="Street lighting",
            source="College of Policing crime reduction toolkit",
            effect=EmmieEffect.REDUCED,
            evidence_strength=2,
        )
    plan.save()
    return Finding.objects.create(plan=plan, text=finding_text)


def _respond(
    plan: ProblemPlan,
    rng: random.Random,
    finding: Finding,
    technique: str,
    *,
    good: bool,
    joined: list[Organisation],
    when: dt.datetime,
    passed: bool,
) -> None:
    today = timezone.localdate()
    due = when.date() + dt.timedelta(days=rng.randint(14, 90))
    Action.objects.create(
        plan=plan,
        finding=finding,
        description="Put the situational measure in place at the hotspot",
        technique=technique,
        agency=plan.organisation,
        owner_name="PC Jordan Whitlock",
        due_date=due,
        status=ActionStatus.DONE if due < today and rng.random() < 0.7 else ActionStatus.IN_PROGRESS,  # noqa: PLR2004
    )
    Action.objects.create(
        plan=plan,
        finding=finding if good or passed else None,
        description="Targeted patrols at the peak times",
        technique=Technique.ENFORCEMENT,
        agency=plan.organisation,
        owner_name="Sgt Helen Carver" if good else "",
        due_date=due + dt.timedelta(days=14) if good else None,
        status=ActionStatus.PLANNED,
    )
    for partner in joined:
        partner_due = when.date() + dt.timedelta(days=rng.randint(-30, 60))
        Action.objects.create(
            plan=plan,
            finding=finding,
            description=f"{partner.name}: engage residents and young people",
            technique=Technique.ENGAGEMENT if good else Technique.SUPPORT,
            agency=partner,
            owner_name="Aisha Bello" if partner.name == "Harbour Light Family Support" else "Partnership officer",
            due_date=partner_due,
            status=ActionStatus.PLANNED if partner_due >= today else ActionStatus.IN_PROGRESS,
        )
    plan.objective = f"Reduce {plan.baseline_measure.lower()} by a third within six months"
    plan.impact = Impact.REDUCE if good or passed or rng.random() < 0.5 else ""  # noqa: PLR2004
    plan.save()


def _assess(  # noqa: PLR0917 - the plan's own story, in order
    plan: ProblemPlan, rng: random.Random, baseline: int, good: bool, responded: dt.datetime, when: dt.datetime
) -> None:
    factor = rng.uniform(0.45, 0.9) if good else rng.uniform(0.8, 1.15)
    plan.after_value = round(baseline * factor)
    # After: from the day the response began to the assessment, and the baseline over as many days before
    # the plan was started, so "the same measure after as before" compares like with like and never overlaps.
    plan.after_start = responded.date()
    plan.after_end = max(when.date(), plan.after_start)
    days = (plan.after_end - plan.after_start).days
    plan.baseline_start = plan.baseline_end - dt.timedelta(days=days)
    if good:
        plan.comparison_kind = ComparisonKind.COMPARISON_AREA
        sibling = Area.objects.filter(parent=plan.area.parent, level=AreaLevel.WARD).exclude(pk=plan.area_id).first()
        plan.comparison_area = sibling
        plan.comparison_baseline = rng.randint(20, 160)
        plan.comparison_after = round(plan.comparison_baseline * rng.uniform(0.9, 1.05))
        plan.displacement_checked = True
        plan.displacement_note = "No rise in the surrounding wards' calls"
        plan.lessons = "Partners owning actions from the start made the difference"
    plan.decision = Decision.CLOSE if good or rng.random() < 0.6 else Decision.HAND_OVER  # noqa: PLR2004
    plan.save()
