"""Request bodies: JSON no larger than the upload limit, read by :func:`json_limits.loads`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser, get_encoding

from connectors import json_limits


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        super().__init__(f"The request body is larger than {limit} KiB.")


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, then reading
    them as every other JSON input is read (:func:`connectors.json_limits.loads`: too deep,
    numbers past what Python holds and NaN refused, saying where)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge()
        encoding = get_encoding(parser_context or {})
        try:
            return json_limits.loads(raw.decode(encoding))
        except UnicodeDecodeError as exc:
            raise ParseError(f"The body is not {encoding} text ({exc.reason}).") from None
        except json_limits.JsonRefused as exc:
            raise ParseError(str(exc)) from None
