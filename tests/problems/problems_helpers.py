"""Helpers for the problem-solving tests: fill a plan's stages with the least each gate needs."""

from __future__ import annotations

import datetime as dt

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.problems import services
from upstream.problems.models import DataSourceKind, Decision, Impact, Technique


def fill_scanning(plan, actor):
    """Gives the plan everything scanning needs, and returns it."""
    services.add_data_source(actor=actor, plan=plan, kind=DataSourceKind.CALLS, description="ASB calls, last year")
    plan.refresh_from_db()
    return services.update_plan(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        description="Groups of young people drink and shout late at night at the play area.",
        who_harmed="Residents of the flats overlooking the play area",
        how_noticed="Repeat calls and a residents' meeting",
        baseline_measure="ASB calls about the play area",
        baseline_value=120,
        baseline_start=dt.date(2025, 1, 1),
        baseline_end=dt.date(2025, 6, 30),
    )


def fill_analysis(plan, actor):
    """Gives the plan everything analysis needs, and returns it with its finding."""
    finding = services.add_finding(actor=actor, plan=plan, text="Most calls are on Friday and Saturday nights")
    plan.refresh_from_db()
    plan = services.update_plan(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        offender="Teenagers from the estate",
        victim="Residents",
        location="Play area with broken lights",
        hypothesis="Dark, unmanaged space with nothing else for young people to do",
    )
    return plan, finding


def fill_response(plan, actor, finding):
    """Gives the plan everything the response needs, and returns it."""
    services.add_action(
        actor=actor,
        plan=plan,
        description="Fix the lights",
        technique=Technique.NATURAL_SURVEILLANCE,
        finding=finding,
        agency=plan.organisation,
        owner_name="PC Oak",
        due_date=dt.date(2025, 8, 1),
    )
    plan.refresh_from_db()
    return services.update_plan(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        objective="Halve ASB calls about the play area by March",
        impact=Impact.REDUCE,
    )


def fill_assessment(plan, actor):
    """Gives the plan everything the assessment needs, and returns it."""
    plan.refresh_from_db()
    return services.update_plan(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        after_value=84,
        after_start=dt.date(2025, 9, 1),
        after_end=dt.date(2026, 2, 28),
        decision=Decision.CLOSE,
    )


def move(plan, actor, to_stage):
    plan.refresh_from_db()
    return services.request_move(actor=actor, plan=plan, expected_version=plan.version, to_stage=to_stage)


def sign_in(client, user):
    """Signs the user in past both factors, as the two-factor middleware expects."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
