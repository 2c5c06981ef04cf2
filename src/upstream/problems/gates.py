"""Stage gates: what a plan must hold before it may move on, said as a list a person can act on.

Each gate returns (field, message) pairs; the field is the id of the input to fix, so the GOV.UK error
summary can link to it. Moving back a stage has no gate: revisiting the analysis is good practice.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from upstream.problems.models import STAGE_ORDER, Decision, ProblemPlan, Stage

Missing = list[tuple[str, str]]


def _scanning_done(plan: ProblemPlan) -> Missing:
    missing: Missing = []
    if not plan.description.strip():
        missing.append(("description", _("Describe what the problem is")))
    if not plan.who_harmed.strip():
        missing.append(("who_harmed", _("Say who is harmed")))
    if not plan.how_noticed.strip():
        missing.append(("how_noticed", _("Say how the problem came to notice")))
    if not plan.data_sources.exists():
        missing.append(("data_sources", _("Add at least one data source")))
    if not plan.baseline_measure.strip():
        missing.append(("baseline_measure", _("Say what the baseline measures")))
    if plan.baseline_value is None:
        missing.append(("baseline_value", _("Enter the baseline figure")))
    if plan.baseline_start is None or plan.baseline_end is None:
        missing.append(("baseline_start", _("Enter the baseline period's start and end")))
    return missing


def _analysis_done(plan: ProblemPlan) -> Missing:
    missing: Missing = []
    for name, message in (
        ("offender", _("Describe the offender side of the triangle")),
        ("victim", _("Describe the victim side of the triangle")),
        ("location", _("Describe the location side of the triangle")),
        ("hypothesis", _("Write a causal hypothesis")),
    ):
        if not getattr(plan, name).strip():
            missing.append((name, message))
    if not plan.findings.exists():
        missing.append(("findings", _("Add at least one analysis finding for responses to answer")))
    return missing


def _response_done(plan: ProblemPlan) -> Missing:
    missing: Missing = []
    actions = list(plan.actions.all())
    if not actions:
        missing.append(("actions", _("Add at least one action")))
    unlinked = [a for a in actions if a.finding_id is None]
    if unlinked:
        missing.append(
            ("actions", _("Link every action to a finding (%(count)d not linked)") % {"count": len(unlinked)})
        )
    if not plan.objective.strip():
        missing.append(("objective", _("Write the SMART objective")))
    if not plan.impact:
        missing.append(("impact", _("Choose the impact the objective aims at")))
    return missing


def _assessment_done(plan: ProblemPlan) -> Missing:
    missing: Missing = []
    if plan.after_value is None:
        missing.append(("after_value", _("Enter the after figure, measured as the baseline was")))
    if plan.after_start is None or plan.after_end is None:
        missing.append(("after_start", _("Enter the after period's start and end")))
    if not plan.decision:
        missing.append(("decision", _("Record the decision: close, continue or hand over")))
    elif plan.decision == Decision.CONTINUE:
        missing.append(("decision", _("The decision is to continue: move the plan back to the response instead")))
    return missing


GATES = {
    Stage.ANALYSIS: _scanning_done,
    Stage.RESPONSE: _analysis_done,
    Stage.ASSESSMENT: _response_done,
    Stage.CLOSED: _assessment_done,
}


def allowed_moves(plan: ProblemPlan) -> list[str]:
    """Returns the stages the plan may be moved to: one forward, or one back while it is open."""
    if plan.stage == Stage.CLOSED:
        return []
    index = STAGE_ORDER.index(Stage(plan.stage))
    moves = [STAGE_ORDER[index + 1]]
    if index > 0:
        moves.append(STAGE_ORDER[index - 1])
    return [str(s) for s in moves]


def missing_for(plan: ProblemPlan, to_stage: str) -> Missing:
    """Returns what the plan lacks before it may move to the stage (empty: it may move)."""
    if to_stage not in allowed_moves(plan):
        return [("to_stage", _("A plan at this stage cannot be moved there"))]
    if STAGE_ORDER.index(Stage(to_stage)) < STAGE_ORDER.index(Stage(plan.stage)):
        return []
    return GATES[Stage(to_stage)](plan)
