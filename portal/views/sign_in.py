"""The sign-in page, throttled: a locked account or address gets 429 and says for how long."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from portal.sign_in_throttle import ThrottledAuthenticationForm


class SignInView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.locked_message:
            response.status_code = 429
        return response
