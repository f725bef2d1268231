from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from portal.api import factories, views


def api(view: Any) -> Any:
    """The API authenticates itself (token or session) and answers 401/403 in JSON."""
    return login_not_required(view.as_view())


FACTORY = "factories/<str:factory>/<str:kind>/"

urlpatterns = [
    path("factories/", api(factories.FactoryList), name="api-factories"),
    path(FACTORY, api(views.ResourceList), name="api-factory-resources"),
    path(FACTORY + "<str:name>", api(views.ResourceDetail), name="api-factory-resource"),
    path(FACTORY + "<str:name>/revisions", api(views.RevisionList)),
    path(FACTORY + "<str:name>/revisions/<int:number>", api(views.RevisionDetail)),
    path(FACTORY + "<str:name>/revisions/<int:number>/restore", api(views.RevisionRestore)),
    path(FACTORY + "<str:name>/diff", api(views.RevisionDiff)),
    path(FACTORY + "<str:name>/export", api(views.ExportOne)),
    path(FACTORY + "<str:name>/references", api(factories.ReferenceList)),
    path("factories/<str:factory>/deleted/<str:kind>/", api(views.DeletedList)),
    path(
        "factories/<str:factory>/deleted/<str:kind>/<str:name>/restore", api(views.DeletedRestore)
    ),
    path("factories/<str:factory>/deleted/<str:kind>/<str:name>", api(views.DeletedPurge)),
    path("factories/<str:factory>/import", api(views.ImportView), name="api-factory-import"),
    path("factories/<str:factory>/export", api(views.ExportAll), name="api-factory-export"),
    path("linkedservices/", api(views.ResourceList), name="api-linkedservices"),
    path("linkedservices/<str:name>", api(views.ResourceDetail), name="api-linkedservice"),
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
