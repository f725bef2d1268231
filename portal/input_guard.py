"""Refuses control characters where a request's text arrives: the URL path, query
parameters and (for the pages) form fields, before any view or database sees them.

Names, filters and path segments may hold none; other values (a comment, a description)
may hold tabs and line breaks. The rule is :mod:`connectors.json_limits`'s; a definition's
text, however it arrives (a JSON body, an import, an editor), is checked by the save
service (:func:`connectors.validation.control_character_problems`, and the schemas' one-line
fields), lists of names by their views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from connectors.json_limits import control_character_problem
from portal.api.errors import API_PREFIX, errors

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _texts(request: HttpRequest) -> Iterator[tuple[str, str, bool]]:
    """(field as the error names it, text, may it hold line breaks) for every input."""
    yield "URL path", request.path_info, False
    for key, values in request.GET.lists():
        yield f"?{key}", key, False
        for value in values:
            yield f"?{key}", value, True
    is_form = request.method == "POST" and request.content_type in FORM_TYPES
    if is_form and not request.path.startswith(API_PREFIX):  # the API takes JSON only
        for key, values in request.POST.lists():
            yield key, key, False
            for value in values:
                yield key, value, True


def refusal(request: HttpRequest) -> tuple[str, str] | None:
    """(field, message) for the first input holding a control character, or None."""
    for field, text, multiline in _texts(request):
        if problem := control_character_problem(text, multiline=multiline):
            return field, problem
    return None


class ControlCharacterGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = refusal(request)
        if refused is None:
            return self.get_response(request)
        field, message = refused
        if request.path.startswith(API_PREFIX):
            return JsonResponse(errors(message, field), status=400)
        context = {"field": field, "message": message}
        return render(request, "input_refused.html", context, status=400)
