"""Request bodies: JSON no larger than the upload limit and nested at most MAX_JSON_DEPTH."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.settings import api_settings
from rest_framework.utils import json

from connectors import json_limits


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        super().__init__(f"The request body is larger than {limit} KiB.")


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and JSON
    nested deeper than :data:`connectors.json_limits.MAX_JSON_DEPTH` before parsing."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge()
        encoding = get_encoding(parser_context or {})
        try:
            text = raw.decode(encoding)
            json_limits.check_depth(text)
            strict = json.strict_constant if api_settings.STRICT_JSON else None
            return json.loads(text, parse_constant=strict)
        except json_limits.TooDeep as exc:
            raise ParseError(str(exc)) from None
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError included
            raise ParseError(f"The body is not valid JSON: {exc}.") from None
