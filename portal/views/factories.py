"""Factories: the list a user may see, creating one (site Admin), and who has which role
in a factory (its Admins)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from portal import audit
from portal.models import AuditEvent, Factory, FactoryRole
from portal.roles import Role, grant, has_site_role, role_of, visible_factories
from portal.views.access import admin_required


class NewFactoryForm(forms.ModelForm):
    class Meta:
        model = Factory
        fields = ["name", "kind", "description"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name or "/" in name or name.startswith("."):
            raise forms.ValidationError("A factory name has no '/' and does not start with '.'.")
        if Factory.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("A factory with this name exists already.")
        return name


def home(request: HttpRequest) -> HttpResponse:
    """The default factory's linked services for those with a role in it, else the list
    of the factories the user has a role in."""
    if role_of(request.user) is not None:
        return redirect("linkedservice-list")
    return redirect("factory-list")


def factory_list(request: HttpRequest) -> HttpResponse:
    may_create = has_site_role(request.user, Role.ADMIN)
    form = NewFactoryForm(request.POST or None) if may_create else None
    if request.method == "POST" and form is not None and form.is_valid():
        factory = form.save()
        grant(request.user, factory, Role.ADMIN)
        audit.record(
            AuditEvent.Action.CREATE, request=request, factory=factory, name=factory.name,
            detail=f"factory ({factory.get_kind_display()})",
        )  # fmt: skip
        messages.success(request, f"Factory '{factory.name}' created; you are its Admin.")
        return redirect("resource-list", factory.name)
    return render(
        request,
        "factories/list.html",
        {"factories": visible_factories(request.user), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@admin_required
def factory_roles(request: HttpRequest, factory: str) -> HttpResponse:
    """Grant, change or take away roles in one factory (its Admins)."""
    home: Factory = request.factory  # type: ignore[attr-defined]
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    if request.method == "POST":
        user = users.filter(pk=request.POST.get("user")).first()
        choice = request.POST.get("role", "")
        if user is None or choice not in {"", *(r.value for r in Role)}:
            messages.error(request, "Choose a user and a role.")
        elif user == request.user:
            messages.error(request, "You cannot change your own role.")
        else:
            grant(user, home, Role(choice) if choice else None)
            audit.record(
                AuditEvent.Action.USER_CHANGED, request=request, factory=home, name=user.username,
                detail=f"role in {home.name}: {choice or 'none'}",
            )  # fmt: skip
            messages.success(request, f"'{user.username}': {choice or 'no role'} in {home.name}.")
        return redirect("factory-roles", home.name)
    roles = dict(FactoryRole.objects.filter(factory=home).values_list("user_id", "role"))
    rows = [(u, roles.get(u.pk, "")) for u in users]
    return render(
        request,
        "factories/roles.html",
        {"factory": home, "rows": rows, "roles": [r.value for r in Role]},
    )
