from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    """Username and password."""

    username = forms.CharField(
        label=_("Username"), max_length=150, error_messages={"required": _("Enter your username")}
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput,
        max_length=1024,
        error_messages={"required": _("Enter your password")},
    )


class CodeForm(forms.Form):
    """The six-digit code from an authenticator app."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
    )

    def clean_code(self) -> str:
        """Returns the code without the spaces or dashes people type between the digits."""
        code = "".join(ch for ch in self.cleaned_data["code"] if ch not in " -")
        if len(code) != 6 or not code.isdigit():  # noqa: PLR2004 - TOTP codes are six digits
            raise forms.ValidationError(_("Enter the code as 6 digits, like 123456"))
        return code


class ChangePasswordForm(PasswordChangeForm):
    """Current password and the new one twice, checked against the password rules."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["old_password"].label = _("Current password")
        self.fields["old_password"].error_messages["required"] = _("Enter your current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].error_messages["required"] = _("Enter a new password")
        self.fields["new_password2"].label = _("Confirm new password")
        self.fields["new_password2"].error_messages["required"] = _("Enter the new password again")
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": _("Your current password is not correct"),
            "password_mismatch": _("The new passwords do not match"),
        }

    def clean(self) -> dict[str, Any]:
        """Returns the cleaned data, with the password rules' messages on the new password, where it is chosen."""
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        # Skip SetPasswordForm.clean, which would check the rules again against the confirmation field.
        return super(SetPasswordForm, self).clean()
