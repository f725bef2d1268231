"""User management for Admins: create users, set their role, deactivate them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from portal.roles import Role
from portal.roles import site_role as role_of
from portal.services import accounts
from portal.services.actor import Actor
from portal.views.access import site_admin_required as admin_required

ROLE_CHOICES = [(r.value, r.value) for r in Role]


class NewUserForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput(render_value=False))
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.READER.value)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("A user with this name exists already.")
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = accounts.create_user(
            Actor.of(request),
            form.cleaned_data["username"],
            form.cleaned_data["password"],
            Role(form.cleaned_data["role"]),
        )
        messages.success(request, f"User '{user.username}' created as {form.cleaned_data['role']}.")
        return redirect("user-list")
    users = get_user_model().objects.order_by("username").prefetch_related("groups")
    rows = [(u, role_of(u) if u.is_active else None) for u in users]
    return render(
        request,
        "users/list.html",
        {"form": form, "rows": rows, "roles": [r.value for r in Role]},
        status=400 if form.errors else 200,
    )


@admin_required
def user_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk)
    if request.method == "POST":
        if user == request.user:
            messages.error(request, "You cannot change your own role or deactivate yourself.")
        elif "deactivate" in request.POST:
            accounts.deactivate_user(Actor.of(request), user)
            messages.success(request, f"User '{user.username}' deactivated.")
        elif request.POST.get("role") in {r.value for r in Role}:
            if user.is_superuser:
                messages.error(request, "A superuser is always an Admin.")
            else:
                accounts.set_site_role(Actor.of(request), user, Role(request.POST["role"]))
                messages.success(request, f"User '{user.username}' is now {request.POST['role']}.")
    return redirect("user-list")
