"""The codes staff type: six digits from an app, or a recovery code."""

import re

from django import forms


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])  # apps show "123 456"
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the six digits your authenticator app shows.")
        return code


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_recovery_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["recovery_code"]).lower()
        if not re.fullmatch(r"[a-z2-7]{8}", code):
            raise forms.ValidationError(
                "Enter one of your recovery codes: eight letters and digits."
            )
        return code
