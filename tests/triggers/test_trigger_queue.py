"""The trigger queue: runs land in the database, re-runs keep decisions, each decision is audited and locked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from triggers_queue_helpers import write_store

from signing_in import sign_in
from upstream.core import links
from upstream.core.models import AuditEvent
from upstream.core.policy import PermissionDenied
from upstream.core.roles import Role
from upstream.triggers import queries, services
from upstream.triggers.models import DemandEntry, DemandKind, Level, RunStatus, Trigger, TriggerRun, TriggerStatus

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 12, 31)


def test_a_run_fills_the_queue_with_each_child_and_their_evidence(loaded):
    assert loaded.status == RunStatus.FINISHED
    assert loaded.rule_version == "1"
    assert (loaded.referral_count, loaded.emerging_count) == (2, 1)
    c1 = Trigger.objects.get(resolved_person_id="R_C1")
    assert c1.level == Level.REFERRAL
    assert c1.ace_count == 6
    assert "domestic_abuse" in c1.ace_types
    assert c1.rule_version == "1"
    assert c1.area.code == "E01000001"
    assert c1.name in {"P_C1A Testperson", "P_C1B Testperson"}
    assert c1.address == "1 High Street, HX1 1AA"
    assert set(c1.person_ids) == {"p_c1a", "p_c1b"}
    rows = {(e["event_id"], e["name"]) for e in c1.evidence}
    assert ("E01", "domestic_abuse") in rows
    assert ("E02", "domestic_abuse") not in rows  # one day outside the window
    members = {e["member_id"]: e["member_name"] for e in c1.evidence if e["member_id"]}
    assert members, "the evidence names the household members involved"
    assert all(name.endswith("Testperson") for name in members.values())
    assert AuditEvent.objects.filter(tag="triggers:run:load", object_id=str(loaded.pk)).exists()
    assert loaded.disparity
    assert {"dimension", "group", "referral_ratio"} <= set(loaded.disparity[0])


def test_the_demand_lists_land_with_their_evidence(loaded):
    callers = DemandEntry.objects.filter(run=loaded, kind=DemandKind.FREQUENT_CALLER)
    assert set(callers.values_list("subject", flat=True)) == {"R_CALLER", "R_TEEN"}
    locations = DemandEntry.objects.filter(run=loaded, kind=DemandKind.REPEAT_LOCATION)
    assert locations.exists()
    assert all(e.detail.get("share") for e in locations)
    missing = DemandEntry.objects.get(run=loaded, kind=DemandKind.FREQUENT_MISSING)
    assert missing.count == 3
    assert missing.event_ids == ["EK0", "EK1", "EK2"]


def test_a_rerun_updates_evidence_keeps_decisions_and_never_duplicates(loaded, analyst, data_dir, teams):
    c1 = Trigger.objects.get(resolved_person_id="R_C1")
    dismissed = services.dismiss_trigger(
        actor=analyst, trigger=c1, expected_version=c1.version, reason="Known to social care"
    )
    c2 = Trigger.objects.get(resolved_person_id="R_C2")
    assigned = services.assign_trigger(actor=analyst, trigger=c2, expected_version=c2.version, team=teams["town"])
    count = Trigger.objects.count()

    services.start_run(actor=analyst, as_of=AS_OF)  # the same data again
    assert Trigger.objects.count() == count
    again = Trigger.objects.get(pk=dismissed.pk)
    assert again.status == TriggerStatus.DISMISSED
    assert again.dismiss_reason == "Known to social care"
    assert again.version == dismissed.version, "unchanged evidence does not change the version"

    write_store(data_dir, drop_events=("E01",))  # the store changes: an event is withdrawn
    services.start_run(actor=analyst, as_of=AS_OF)
    assert Trigger.objects.count() == count
    changed = Trigger.objects.get(pk=dismissed.pk)
    assert changed.status == TriggerStatus.DISMISSED
    assert "E01" not in changed.evidence_event_ids
    assert changed.version == dismissed.version + 1
    assert changed.evidence_changed_at is not None
    kept = Trigger.objects.get(pk=assigned.pk)
    assert kept.team == teams["town"]
    assert kept.status == TriggerStatus.ASSIGNED


def test_a_relink_that_changes_a_childs_id_carries_the_trigger_over_with_its_decisions(loaded, analyst, data_dir):
    c1 = Trigger.objects.get(resolved_person_id="R_C1")
    dismissed = services.dismiss_trigger(
        actor=analyst, trigger=c1, expected_version=c1.version, reason="Known to social care"
    )
    count = Trigger.objects.count()

    write_store(data_dir, relink={"p_c1a": "R_C1_NEW", "p_c1b": "R_C1_NEW"})  # linked again: a new id
    services.start_run(actor=analyst, as_of=AS_OF)
    assert Trigger.objects.count() == count, "the child is not added a second time"
    moved = Trigger.objects.get(pk=dismissed.pk)
    assert moved.resolved_person_id == "R_C1_NEW"
    assert moved.in_latest_run
    assert moved.status == TriggerStatus.DISMISSED
    assert moved.dismiss_reason == "Known to social care"
    assert moved.version == dismissed.version, "the same records and evidence: a decision stands"
    note = moved.events.get(action="relinked").note
    assert "R_C1" in note
    assert "R_C1_NEW" in note
    assert not Trigger.objects.filter(resolved_person_id="R_C1").exists()


def test_a_child_split_off_by_a_relink_gets_a_trigger_of_their_own(loaded, analyst, data_dir):
    c1 = Trigger.objects.get(resolved_person_id="R_C1")
    write_store(data_dir, relink={"p_c1b": "R_C1B"})  # one of the child's two records is now someone else
    services.start_run(actor=analyst, as_of=AS_OF)
    kept = Trigger.objects.get(pk=c1.pk)
    assert kept.resolved_person_id == "R_C1", "the id this run still finds keeps its trigger"
    assert kept.person_ids == ["p_c1a"]
    split = Trigger.objects.get(resolved_person_id="R_C1B")
    assert split.pk != c1.pk
    assert split.person_ids == ["p_c1b"]
    assert not split.events.filter(action="relinked").exists()


def test_dismissing_a_trigger_someone_else_just_changed_is_refused_plainly(loaded, analyst, second_analyst, teams):
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    seen = trigger.version
    services.assign_trigger(actor=second_analyst, trigger=trigger, expected_version=seen, team=teams["town"])
    with pytest.raises(services.ConflictError, match="Someone else changed this trigger") as caught:
        services.dismiss_trigger(actor=analyst, trigger=trigger, expected_version=seen, reason="Not needed")
    assert "assigned to a team" in str(caught.value)
    trigger.refresh_from_db()
    assert trigger.status == TriggerStatus.ASSIGNED
    with pytest.raises(services.ConflictError):
        services.assign_trigger(actor=analyst, trigger=trigger, expected_version=seen, team=teams["moor"])


def test_a_decision_on_evidence_a_rerun_changed_is_refused(loaded, analyst, data_dir):
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    seen = trigger.version
    write_store(data_dir, drop_events=("E01",))
    services.start_run(actor=analyst, as_of=AS_OF)
    with pytest.raises(services.ConflictError):
        services.review_trigger(actor=analyst, trigger=trigger, expected_version=seen)


def test_dismissing_needs_a_reason_and_assigning_needs_a_neighbourhood_team_of_ones_own(loaded, analyst, teams):
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    with pytest.raises(ValidationError, match="reason"):
        services.dismiss_trigger(actor=analyst, trigger=trigger, expected_version=trigger.version, reason="  ")
    for team in (teams["hub"], teams["elsewhere"]):
        with pytest.raises(ValidationError, match="neighbourhood team"):
            services.assign_trigger(actor=analyst, trigger=trigger, expected_version=trigger.version, team=team)


def test_each_decision_is_audited(loaded, analyst, teams):
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    trigger = services.review_trigger(actor=analyst, trigger=trigger, expected_version=trigger.version, note="read")
    trigger = services.assign_trigger(
        actor=analyst, trigger=trigger, expected_version=trigger.version, team=teams["town"]
    )
    events = AuditEvent.objects.filter(tag="triggers:trigger:decide", object_id=str(trigger.pk)).order_by("sequence")
    assert [e.detail["action"] for e in events] == ["review", "assign"]
    assert events.last().detail["team_id"] == teams["town"].pk
    assert [e.action for e in trigger.events.all()] == ["found", "review", "assign"]


def test_the_suggested_team_is_the_one_covering_the_childs_address(loaded, teams):
    assert services.suggested_team(Trigger.objects.get(resolved_person_id="R_C1")) == teams["town"]


def test_another_organisation_sees_nothing_and_cannot_decide(loaded, make_user, other_force):

    stranger = make_user("stranger", other_force, Role.SUPERVISOR)
    assert queries.list_triggers(stranger).total == 0
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    with pytest.raises(PermissionDenied):
        services.review_trigger(actor=stranger, trigger=trigger, expected_version=trigger.version)


def test_an_officer_sees_the_demand_lists_but_not_the_queue(loaded, officer, client):
    sign_in(client, officer)
    assert client.get(reverse("triggers:queue")).status_code == 403
    response = client.get(reverse("triggers:demand") + "?list=frequent_caller")
    assert response.status_code == 200
    assert "R_CALLER" in response.content.decode()


def test_the_queue_page_filters_by_band_area_and_team(loaded, analyst, client, areas, teams):
    sign_in(client, analyst)
    page = client.get(reverse("triggers:queue")).content.decode()
    c1 = Trigger.objects.get(resolved_person_id="R_C1")
    assert c1.reference in page
    emerging = client.get(reverse("triggers:queue") + "?band=emerging").content.decode()
    assert c1.reference not in emerging
    by_area = client.get(reverse("triggers:queue") + f"?area={areas['other_ward'].pk}").content.decode()
    assert c1.reference not in by_area
    by_team = client.get(reverse("triggers:queue") + f"?team={teams['town'].pk}").content.decode()
    assert c1.reference in by_team
    assert AuditEvent.objects.filter(tag="triggers:trigger:list", actor=analyst).exists()


def test_the_trigger_page_shows_the_evidence_and_audits_the_view(loaded, analyst, client):
    sign_in(client, analyst)
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    page = client.get(reverse("triggers:detail", args=[trigger.pk])).content.decode()
    for text in ("E01", "Domestic abuse in the household", "Rule version", "1 High Street", "Town Neighbourhood Team"):
        assert text in page, text
    assert AuditEvent.objects.filter(tag="triggers:trigger:view", object_id=str(trigger.pk), actor=analyst).exists()


def test_the_trigger_page_links_to_the_childs_records_for_those_allowed(loaded, analyst, make_user, force, client):
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    href = reverse("records:person", args=["R_C1"])
    sign_in(client, analyst)
    assert href in client.get(reverse("triggers:detail", args=[trigger.pk])).content.decode()
    assert client.get(href).status_code == 200

    # The rule is the records policy's: a role it refuses (here a call handler) is offered no link.
    call_handler = make_user("handler", force, Role.CALL_HANDLER)
    assert links.for_record("triggers:child", call_handler, trigger) == []


def test_a_stale_dismissal_on_the_page_is_refused_and_said_plainly(loaded, analyst, second_analyst, client, teams):
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    services.assign_trigger(actor=second_analyst, trigger=trigger, expected_version=trigger.version, team=teams["town"])
    sign_in(client, analyst)
    response = client.post(
        reverse("triggers:decide", args=[trigger.pk, "dismiss"]), {"version": trigger.version, "reason": "No"}
    )
    assert response.status_code == 409
    assert "Someone else changed this trigger after you opened it" in response.content.decode()
    trigger.refresh_from_db()
    assert trigger.status == TriggerStatus.ASSIGNED


def test_dismissing_on_the_page_without_a_reason_says_what_to_do(loaded, analyst, client):
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    sign_in(client, analyst)
    response = client.post(reverse("triggers:decide", args=[trigger.pk, "dismiss"]), {"version": trigger.version})
    assert response.status_code == 400
    assert "Enter the reason for dismissing this trigger" in response.content.decode()


def test_run_now_from_the_page_shows_the_runs_progress_and_outcome(store, force, teams, analyst, client):
    sign_in(client, analyst)
    response = client.post(reverse("triggers:run-start"), {"as_of": "2025-12-31"})
    run = TriggerRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("triggers:run", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Finished" in page
    assert Trigger.objects.filter(organisation=force).count() == run.trigger_count


def test_a_run_on_an_empty_store_fails_with_what_to_do(force, analyst, client):
    sign_in(client, analyst)
    client.post(reverse("triggers:run-start"), {"as_of": "2025-12-31"})
    run = TriggerRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "upstream records import" in run.message
    assert "upstream records import" in client.get(reverse("triggers:run", args=[run.pk])).content.decode()


def test_a_run_before_linking_fails_with_what_to_do(data_dir, force, analyst):
    write_store(data_dir, linked=False)
    run = services.start_run(actor=analyst, as_of=AS_OF)
    assert run.status == RunStatus.FAILED
    assert "upstream records link" in run.message


def test_a_refused_rule_set_is_shown_with_its_line_and_the_one_that_ran(store, force, analyst, tmp_path, client):
    from upstream_analytics.triggers.ruleset import shipped_path

    bad = tmp_path / "bad.yaml"
    bad.write_text(shipped_path().read_text(encoding="utf-8").replace("offences: sexual_offences", "offences: nope"))
    run = services.create_command_line_run(organisation=force, as_of=AS_OF, engine="duckdb")
    services.execute_run(run, rules_path=bad)
    sign_in(client, analyst)
    page = client.get(reverse("triggers:queue")).content.decode()
    assert "A rule set was refused" in page
    assert "line 57" in page
    assert "unknown code list" in page
    assert "shipped rule set version 1" in page


def test_the_disparity_page_shows_the_report_as_a_table(loaded, analyst, client):
    sign_in(client, analyst)
    page = client.get(reverse("triggers:disparity")).content.decode()
    assert "By sex" in page
    assert "Ratio to all children" in page


def test_the_command_line_fills_the_queue_of_the_one_police_force(store, force):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("triggers", "run", "--as-of", "2025-12-31", stdout=out)
    assert "Trigger queue of Calder Police" in out.getvalue()
    assert Trigger.objects.filter(organisation=force, level=Level.REFERRAL).count() == 2
    call_command("triggers", "run", "--as-of", "2025-12-31", stdout=StringIO())
    assert Trigger.objects.filter(organisation=force, level=Level.REFERRAL).count() == 2


def test_each_demand_row_offers_to_start_a_plan_without_the_persons_name(loaded, officer, client):
    from urllib.parse import parse_qs, urlparse

    from bs4 import BeautifulSoup

    sign_in(client, officer)
    for kind in ("repeat_location", "frequent_caller"):
        page = client.get(reverse("triggers:demand") + f"?list={kind}").content.decode()
        links = [a["href"] for a in BeautifulSoup(page, "html.parser").select("a[href^='/problems/new/']")]
        assert links, kind
        query = parse_qs(urlparse(links[0]).query)
        assert query["from_area"][0].startswith("E0100000")
        assert "Testperson" not in links[0]


def test_a_run_in_progress_says_so_refreshes_itself_and_blocks_a_second_run(force, analyst, client):
    run = TriggerRun.objects.create(
        organisation=force, as_of=AS_OF, status=RunStatus.RUNNING, step="Applying the rules", steps_done=2,
        steps_total=5, started_by=analyst, started_by_label=analyst.username,
    )  # fmt: skip
    sign_in(client, analyst)
    page = client.get(reverse("triggers:run", args=[run.pk])).content.decode()
    assert "2 of 5: Applying the rules" in page
    assert 'hx-trigger="every 2s"' in page
    assert "refresh it to see the progress" in page
    fragment = client.get(reverse("triggers:run", args=[run.pk]), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="run-status"')
    assert "<html" not in fragment
    with pytest.raises(services.RunRefusedError, match="already going"):
        services.start_run(actor=analyst, as_of=AS_OF)
    response = client.post(reverse("triggers:run-start"), {"as_of": "2025-12-31"})
    assert response.status_code == 400
    assert "A run is already going" in response.content.decode()


def test_a_run_as_of_a_future_day_is_refused(force, analyst, client):
    sign_in(client, analyst)
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(reverse("triggers:run-start"), {"as_of": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not TriggerRun.objects.exists()
