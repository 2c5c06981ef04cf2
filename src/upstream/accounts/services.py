"""Every change to accounts: creating users, setting up a second factor, changing a password."""

from __future__ import annotations

import getpass
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts.models import Organisation, User
from upstream.core.audit import AuditTag, record
from upstream.core.policy import require
from upstream.core.roles import Role


def create_user(
    *,
    actor: User | None,
    username: str,
    organisation: Organisation,
    roles: Iterable[str],
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    via: str = "web",
) -> User:
    """Returns a new user at an organisation with the given roles, after checking the password is strong.

    ``actor`` is None only on the command line, where whoever runs it already controls the server.
    Raises django.core.exceptions.ValidationError for a weak password or an unknown role.
    """
    if actor is not None:
        require(actor, "accounts:user:manage")
    role_list = sorted(set(roles))
    unknown = [r for r in role_list if r not in Role.values]
    if unknown:
        raise ValidationError(f"Unknown role(s): {', '.join(unknown)}")
    user = User(
        username=username,
        organisation=organisation,
        roles=role_list,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_staff,
    )
    validate_password(password, user=user)
    user.set_password(password)
    with transaction.atomic():
        user.save(force_insert=True)
        detail = {"username": username, "organisation": organisation.name, "roles": role_list, "via": via}
        # On the command line nobody is signed in: name the operating-system account that ran the command.
        actor_label = f"{via} ({getpass.getuser()})" if actor is None else ""
        record(actor=actor, tag=AuditTag.ACCOUNTS_USER_CREATE, obj=user, detail=detail, actor_label=actor_label)
    return user


def confirm_totp_device(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Returns whether the code confirmed the user's new authenticator device (and records the enrolment)."""
    if device.user_id != user.pk or device.confirmed:
        return False
    with transaction.atomic():
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Only one authenticator per user: any other half-set-up device is dropped.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        record(actor=user, tag=AuditTag.ACCOUNTS_USER_MFA_ENROL, obj=user, detail={"device": "totp"})
    return True


def change_password(*, user: User, new_password: str) -> None:
    """Sets a new password for the user (already validated by the form) and records the change."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record(actor=user, tag=AuditTag.ACCOUNTS_USER_PASSWORD_CHANGE, obj=user)


def reset_second_factor(*, actor: User | None, user: User, via: str = "web") -> int:
    """Removes a user's authenticator apps (a lost phone); they set up a new one at their next sign-in.

    ``actor`` is None only on the command line, where whoever runs it already controls the server.
    """
    if actor is not None:
        require(actor, "accounts:user:manage")
    actor_label = f"{via} ({getpass.getuser()})" if actor is None else ""
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        record(
            actor=actor,
            tag=AuditTag.ACCOUNTS_USER_MFA_RESET,
            obj=user,
            detail={"devices_removed": removed, "via": via},
            actor_label=actor_label,
        )
    return removed
