"""ETag / If-Match for linked services: the ETag is the revision number."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import APIException
from rest_framework.request import Request

from portal.models import Resource
from portal.numbers import whole_number


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = "Send If-Match with the ETag (revision) you based this change on."
    default_code = "precondition_required"
    error_path = "If-Match"


class PreconditionFailed(APIException):
    status_code = 412
    default_code = "precondition_failed"

    def __init__(self, current: Resource) -> None:
        super().__init__(
            f"'{current.name}' is now at revision {current.revision}; "
            "fetch it again and re-apply your change."
        )
        self.current = current

    def body(self) -> dict[str, Any]:
        return {
            "errors": [{"path": "If-Match", "message": str(self.detail)}],
            "currentRevision": self.current.revision,
            "updatedBy": self.current.updated_by.get_username()
            if self.current.updated_by
            else None,
        }


def expected_revision(request: Request, current: Resource) -> int:
    """The revision the client based its change on (If-Match), checked against the current."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    if header == "*":
        return current.revision
    tags = [t.strip().removeprefix("W/").strip('"') for t in header.split(",")]
    numbers = [whole_number(t) for t in tags]
    if current.revision not in numbers:
        raise PreconditionFailed(current)
    return current.revision


def with_etag(response: Any, service: Resource) -> Any:
    response["ETag"] = service.etag
    return response
