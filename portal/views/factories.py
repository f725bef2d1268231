"""Factories: the list a user may see, creating one (site Admin), and who has which role
in a factory (its Admins)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from portal.models import Factory, FactoryRole
from portal.roles import Role, has_site_role, role_of, visible_factories
from portal.services import factories as factory_actions
from portal.services.actor import Actor
from portal.views.access import CURRENT_FACTORY, admin_required


class NewFactoryForm(forms.Form):
    name = forms.CharField(max_length=63)
    kind = forms.ChoiceField(choices=Factory.Kind.choices, initial=Factory.Kind.DATA_FACTORY)
    description = forms.CharField(widget=forms.Textarea, required=False)

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        problem = factory_actions.name_problem(name)
        if problem:
            raise forms.ValidationError(problem)
        return name


def home(request: HttpRequest) -> HttpResponse:
    """The factory the user was last in (while they still have a role there), else the
    only one they can see, else the list of factories."""
    last = request.session.get(CURRENT_FACTORY)
    if last and Factory.named(last) is not None and role_of(request.user, Factory.named(last)):
        return redirect("resource-list", last)
    visible = list(visible_factories(request.user)[:2])
    if len(visible) == 1:
        return redirect("resource-list", visible[0].name)
    return redirect("factory-list")


def factory_list(request: HttpRequest) -> HttpResponse:
    go = request.GET.get("go", "")
    if go.startswith("/factories/") and "//" not in go:  # the switch, without JavaScript
        return redirect(go)
    may_create = has_site_role(request.user, Role.ADMIN)
    form = NewFactoryForm(request.POST or None) if may_create else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            factory = factory_actions.create(
                Actor.of(request),
                form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
            )
        except factory_actions.FactoryRefused as exc:
            form.add_error(exc.field, exc.message)
        else:
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
            factory_actions.set_role(
                Actor.of(request), home, user, Role(choice) if choice else None
            )
            messages.success(request, f"'{user.username}': {choice or 'no role'} in {home.name}.")
        return redirect("factory-roles", home.name)
    roles = dict(FactoryRole.objects.filter(factory=home).values_list("user_id", "role"))
    rows = [(u, roles.get(u.pk, "")) for u in users]
    return render(
        request,
        "factories/roles.html",
        {"factory": home, "rows": rows, "roles": [r.value for r in Role]},
    )
