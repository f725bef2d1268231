from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from portal.api import (
    activities,
    datasets,
    environments,
    factories,
    publish,
    testing,
    transfers,
    upgrades,
    views,
)


def api(view: Any) -> Any:
    """The API authenticates itself (token or session) and answers 401/403 in JSON."""
    return login_not_required(view.as_view())


FACTORY = "factories/<str:factory>/<str:kind>/"
DELETED = "factories/<str:factory>/deleted/<str:kind>/"

urlpatterns = [
    path("factories/", api(factories.FactoryList), name="api-factories"),
    path("factories/<str:factory>", api(factories.FactoryDetail), name="api-factory"),
    path(
        "factories/<str:factory>/test-connection",
        api(testing.UnsavedTest),
        name="api-factory-test-unsaved",
    ),
    path("factories/<str:factory>/upgrade", api(upgrades.UpgradeBulkView), name="api-f-upgrade"),
    path(FACTORY, api(views.ResourceList), name="api-factory-resources"),
    path(FACTORY + "<str:name>", api(views.ResourceDetail), name="api-factory-resource"),
    path(
        FACTORY + "<str:name>/activities",
        api(activities.ActivityList),
        name="api-activities",
    ),
    path(
        FACTORY + "<str:name>/activities/<str:key>",
        api(activities.ActivityDetail),
        name="api-activity",
    ),
    path(
        FACTORY + "<str:name>/activities/<str:key>/check",
        api(activities.ActivityQuery),
        name="api-activity-check",
    ),
    path(
        FACTORY + "<str:name>/activities/<str:key>/preview",
        api(activities.ActivityPreview),
        name="api-activity-preview",
    ),
    path(FACTORY + "<str:name>/revisions", api(views.RevisionList), name="api-f-revisions"),
    path(
        FACTORY + "<str:name>/revisions/<int:number>",
        api(views.RevisionDetail),
        name="api-f-revision",
    ),
    path(
        FACTORY + "<str:name>/revisions/<int:number>/restore",
        api(views.RevisionRestore),
        name="api-f-revision-restore",
    ),
    path(FACTORY + "<str:name>/diff", api(views.RevisionDiff), name="api-f-diff"),
    path(FACTORY + "<str:name>/export", api(views.ExportOne), name="api-f-export"),
    path(FACTORY + "<str:name>/references", api(factories.ReferenceList), name="api-references"),
    path(FACTORY + "<str:name>/test", api(testing.LinkedServiceTest), name="api-f-test"),
    path(FACTORY + "<str:name>/upgrade", api(upgrades.UpgradePlanView), name="api-f-upgrade-plan"),
    path(
        FACTORY + "<str:name>/upgrade/apply",
        api(upgrades.UpgradeApplyView),
        name="api-f-upgrade-apply",
    ),
    path(FACTORY + "<str:name>/tables", api(datasets.DatasetTables), name="api-dataset-tables"),
    path(FACTORY + "<str:name>/columns", api(datasets.DatasetColumns), name="api-dataset-columns"),
    path(FACTORY + "<str:name>/preview", api(datasets.DatasetPreview), name="api-dataset-preview"),
    path(DELETED, api(views.DeletedList), name="api-f-deleted"),
    path(DELETED + "<str:name>/restore", api(views.DeletedRestore), name="api-f-undelete"),
    path(DELETED + "<str:name>", api(views.DeletedPurge), name="api-f-purge"),
    path("factories/<str:factory>/import", api(views.ImportView), name="api-factory-import"),
    path(
        "factories/<str:factory>/transfer-plan",
        api(transfers.TransferPlan),
        name="api-transfer-plan",
    ),
    path(
        "factories/<str:factory>/environments/<str:name>/test-all",
        api(environments.EnvironmentTestAll),
        name="api-environment-test-all",
    ),
    path(
        "factories/<str:factory>/environments/<str:name>/rows",
        api(environments.EnvironmentRows),
        name="api-environment-rows",
    ),
    path(
        "factories/<str:factory>/environments/<str:name>/completion",
        api(environments.EnvironmentCompletion),
        name="api-environment-completion",
    ),
    path(
        "factories/<str:factory>/queries",
        api(activities.FactoryQueries),
        name="api-factory-queries",
    ),
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
    path("linkedservices/<str:name>/test", api(testing.LinkedServiceTest), name="api-test"),
    path("test-connection", api(testing.UnsavedTest), name="api-test-unsaved"),
    path(
        "connection-tests/<int:pk>", api(testing.ConnectionTestDetail), name="api-connection-test"
    ),
    path(
        "linkedservices/<str:name>/upgrade", api(upgrades.UpgradePlanView), name="api-upgrade-plan"
    ),
    path(
        "linkedservices/<str:name>/upgrade/apply",
        api(upgrades.UpgradeApplyView),
        name="api-upgrade-apply",
    ),
    path("upgrade", api(upgrades.UpgradeBulkView), name="api-upgrade-bulk"),
    path("deleted/", api(views.DeletedList), name="api-deleted"),
    path("deleted/<str:name>/restore", api(views.DeletedRestore), name="api-undelete"),
    path("deleted/<str:name>", api(views.DeletedPurge), name="api-purge"),
    path("import", api(views.ImportView), name="api-import"),
    path("export", api(views.ExportAll), name="api-export-all"),
    path("factories/<str:factory>/validate", api(publish.ValidateView), name="api-validate"),
    path("factories/<str:factory>/arm", api(publish.ArmView), name="api-arm"),
]
