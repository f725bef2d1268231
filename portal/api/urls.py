from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from portal.api import views


def api(view: Any) -> Any:
    """The API authenticates itself (token or session) and answers 401/403 in JSON."""
    return login_not_required(view.as_view())


urlpatterns = [
    path("linkedservices/", api(views.LinkedServiceList), name="api-linkedservices"),
    path("linkedservices/<str:name>", api(views.LinkedServiceDetail), name="api-linkedservice"),
    path("linkedservices/<str:name>/revisions", api(views.RevisionList), name="api-revisions"),
    path(
        "linkedservices/<str:name>/revisions/<int:number>",
        api(views.RevisionDetail),
        name="api-revision",
    ),
    path(
        "linkedservices/<str:name>/revisions/<int:number>/restore",
        api(views.RevisionRestore),
        name="api-revision-restore",
    ),
    path("linkedservices/<str:name>/diff", api(views.RevisionDiff), name="api-diff"),
    path("linkedservices/<str:name>/export", api(views.ExportOne), name="api-export"),
    path("linkedservices/<str:name>/test", api(views.LinkedServiceTest), name="api-test"),
    path("test-connection", api(views.UnsavedTest), name="api-test-unsaved"),
    path("connection-tests/<int:pk>", api(views.ConnectionTestDetail), name="api-connection-test"),
    path("linkedservices/<str:name>/upgrade", api(views.UpgradePlanView), name="api-upgrade-plan"),
    path(
        "linkedservices/<str:name>/upgrade/apply",
        api(views.UpgradeApplyView),
        name="api-upgrade-apply",
    ),
    path("upgrade", api(views.UpgradeBulkView), name="api-upgrade-bulk"),
    path("deleted/", api(views.DeletedList), name="api-deleted"),
    path("deleted/<str:name>/restore", api(views.DeletedRestore), name="api-undelete"),
    path("deleted/<str:name>", api(views.DeletedPurge), name="api-purge"),
    path("import", api(views.ImportView), name="api-import"),
    path("export", api(views.ExportAll), name="api-export-all"),
]
