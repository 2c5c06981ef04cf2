"""The demo's record linkage review: a few reviewers' decisions on the demo force's uncertain pairs.

The triggers step (order 80) makes, imports and links the demo records store; this step runs after it and
decides the first two pairs of the review queue as the demo analyst would (one match, one "unsure"; the
small demo force may leave only one uncertain pair, which is then the match), so the queue shows progress and
the link history has entries. The decisions apply at the next link run.
"""

from __future__ import annotations

from typing import Any

order = 85
label = "Records: decisions in the linkage review queue"


def build(context: Any) -> dict[str, int]:
    """Decides two pairs of the demo review queue as the demo analyst; idempotent."""
    from upstream.core.roles import Role
    from upstream.records import services
    from upstream.records.models import Decision, LinkDecision
    from upstream_analytics.linkage import results

    if not context.with_records:
        return {"left out (--without-records)": 1}
    analyst = context.users.get(Role.ANALYST)
    pairs = results.review_pairs(services.run_dir())
    if analyst is None or pairs.empty:
        return {"no review queue to decide in": 1}
    if LinkDecision.objects.filter(decided_by=analyst).exists():
        return {"decisions already there": 1}
    for (left, right, probability), (decision, reason) in zip(
        pairs[["person_id_l", "person_id_r", "match_probability"]].itertuples(index=False),
        [
            (Decision.MATCH, "Same name and date of birth; the address is the family's previous one"),
            (Decision.UNSURE, "Could be twins: asking the officer in the case"),
        ],
        strict=False,
    ):
        services.decide_pair(
            actor=analyst,
            person_id_l=left,
            person_id_r=right,
            decision=decision,
            reason=reason,
            match_probability=float(probability),
        )
    return {"review decisions made": min(len(pairs), 2)}
