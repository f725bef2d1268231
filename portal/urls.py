from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from connectors.kinds import LINKED_SERVICE
from connectors.registry import DATASET
from portal.numbers import DatabaseInteger
from portal.views import (
    assets,
    auditlog,
    datasets,
    editor,
    factories,
    history,
    imports,
    linkedservices,
    pipelines,
    publish,
    resources,
    revisions,
    sign_in,
    testing,
    tokens,
    transfers,
    upgrades,
    users,
)

register_converter(DatabaseInteger, "id")

urlpatterns = [
    path("api/v1/", include("portal.api.urls")),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path("", factories.home, name="home"),
    path("favicon.ico", assets.favicon, name="favicon"),
    path("accounts/login/", sign_in.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("factories/", factories.factory_list, name="factory-list"),
    path("factories/<str:factory>/roles/", factories.factory_roles, name="factory-roles"),
    path("factories/<str:factory>/new/", editor.gallery, name="resource-gallery"),
    path("factories/<str:factory>/transfer/", transfers.designer, name="transfer-designer"),
    path(
        "factories/<str:factory>/transfer/save-copy/",
        transfers.save_copy_activity,
        name="transfer-save-copy",
    ),
    path("factories/<str:factory>/import/", imports.import_view, name="resource-import"),
    path(
        "factories/<str:factory>/new/<str:connector_type>/",
        editor.create,
        name="resource-create",
    ),
    path(
        "factories/<str:factory>/new/<str:type_name>/json/",
        resources.new_json,
        {"kind": LINKED_SERVICE.name, "form": "resource-create"},
        name="resource-create-json",
    ),
    path(
        "factories/<str:factory>/new-dataset/<str:dataset_type_name>/",
        datasets.create,
        name="dataset-new",
    ),
    path(
        "factories/<str:factory>/new-dataset/<str:type_name>/json/",
        resources.new_json,
        {"kind": DATASET.name, "form": "dataset-new"},
        name="dataset-new-json",
    ),
    path("factories/<str:factory>/dataset/<str:name>/form/", datasets.edit, name="dataset-form"),
    path(
        "factories/<str:factory>/live/<str:dataset_type_name>/tables/",
        datasets.live_tables,
        name="dataset-live-tables",
    ),
    path(
        "factories/<str:factory>/live/<str:dataset_type_name>/columns/",
        datasets.live_columns,
        name="dataset-live-columns",
    ),
    path(
        "factories/<str:factory>/live/<str:dataset_type_name>/preview/",
        datasets.live_preview,
        name="dataset-live-preview",
    ),
    path("factories/<str:factory>/", resources.resource_list, name="resource-list"),
    path("factories/<str:factory>/queries/", pipelines.factory_queries, name="factory-queries"),
    path(
        "factories/<str:factory>/<str:kind>/<str:name>/",
        resources.resource_detail,
        name="resource-detail",
    ),
    path(
        "factories/<str:factory>/<str:kind>/<str:name>/json/",
        resources.resource_edit_json,
        name="resource-edit-json",
    ),
    path(
        "factories/<str:factory>/<str:kind>/<str:name>/file/",
        pipelines.pipeline_file,
        name="pipeline-file",
    ),
    path(
        "factories/<str:factory>/<str:kind>/<str:name>/activities/<str:key>/",
        pipelines.activity,
        name="pipeline-activity",
    ),
    path("linkedservices/", linkedservices.linkedservice_list, name="linkedservice-list"),
    path("linkedservices/new/", editor.gallery, name="linkedservice-gallery"),
    path("linkedservices/new/<str:connector_type>/", editor.create, name="linkedservice-create"),
    path(
        "linkedservices/new/<str:connector_type>/test/",
        testing.test_unsaved,
        name="linkedservice-test-new",
    ),
    path("linkedservices/import/", imports.import_view, name="linkedservice-import"),
    path("linkedservices/export/", linkedservices.export_all, name="linkedservice-export-all"),
    path("linkedservices/deleted/", history.deleted_list, name="linkedservice-deleted"),
    path("linkedservices/<id:pk>/", linkedservices.detail, name="linkedservice-detail"),
    path("linkedservices/<id:pk>/history/", history.history, name="linkedservice-history"),
    path(
        "linkedservices/<id:pk>/revisions/<id:number>/",
        revisions.revision_detail,
        name="linkedservice-revision",
    ),
    path(
        "linkedservices/<id:pk>/revisions/<id:number>/restore/",
        history.restore,
        name="linkedservice-restore",
    ),
    path("linkedservices/<id:pk>/undelete/", history.undelete, name="linkedservice-undelete"),
    path("linkedservices/<id:pk>/purge/", history.purge, name="linkedservice-purge"),
    path("linkedservices/<id:pk>/test/", testing.test_saved, name="linkedservice-test"),
    path("linkedservices/<id:pk>/edit/test/", testing.test_edited, name="linkedservice-test-form"),
    path("connection-tests/<id:pk>/", testing.result, name="connection-test"),
    path("linkedservices/<id:pk>/upgrade/", upgrades.wizard, name="upgrade-wizard"),
    path("upgrade/", upgrades.overview, name="upgrade-overview"),
    path("linkedservices/<id:pk>/edit/", editor.edit, name="linkedservice-edit"),
    path("linkedservices/<id:pk>/clone/", editor.clone, name="linkedservice-clone"),
    path("linkedservices/<id:pk>/clone/json/", editor.clone_json, name="linkedservice-clone-json"),
    path("linkedservices/<id:pk>/delete/", linkedservices.delete, name="linkedservice-delete"),
    path("linkedservices/<id:pk>/export/", linkedservices.export_one, name="linkedservice-export"),
    path("audit/", auditlog.audit_log, name="audit-log"),
    path("tokens/", tokens.token_list, name="token-list"),
    path("tokens/<id:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("users/", users.user_list, name="user-list"),
    path("users/<id:pk>/", users.user_update, name="user-update"),
    path("factories/<str:factory>/validate/", publish.validate_all, name="factory-validate"),
    path("factories/<str:factory>/publish/", publish.publish_arm, name="factory-publish"),
]

handler400 = "portal.api.errors.bad_request"
handler403 = "portal.api.errors.forbidden"
handler404 = "portal.api.errors.not_found"
handler500 = "portal.api.errors.server_error"
