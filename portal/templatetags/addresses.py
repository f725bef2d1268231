"""``{% resource_url resource "history" %}``: a resource's pages in templates."""

from __future__ import annotations

from typing import Any

from django import template

from portal import addresses

register = template.Library()


@register.simple_tag
def resource_url(resource: Any, action: str = "", *args: Any) -> str:
    return addresses.resource_url(resource, action, *args)


@register.simple_tag
def deleted_url(resource: Any, action: str) -> str:
    return addresses.deleted_url(resource, action)
