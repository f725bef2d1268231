"""The portal's addresses: one scheme for every resource of every kind in every factory,
``factories/<factory>/<kind>/<name>/<action>/``, and the pages of a factory under
``factories/<factory>/``. The addresses from before factories (``linkedservices/...``)
answer 301 with the same page in the default factory (see :mod:`portal.views.legacy`)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal.numbers import DatabaseInteger
from portal.views import (
    assets,
    auditlog,
    datasets,
    editor,
    environments,
    factories,
    history,
    imports,
    json_editor,
    legacy,
    lifecycle,
    pipelines,
    publish,
    resources,
    sign_in,
    testing,
    tokens,
    transfers,
    upgrades,
    users,
)

register_converter(DatabaseInteger, "id")

F = "factories/<str:factory>/"
NEW = F + "new/<str:kind>/<str:type_name>/"
R = F + "<str:kind>/<str:name>/"
GONE = F + "deleted/<str:kind>/<str:name>/"

urlpatterns = [
    path("api/v1/", include("portal.api.urls")),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", factories.home, name="home"),
    path("favicon.ico", assets.favicon, name="favicon"),
    path("accounts/login/", sign_in.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("factories/", factories.factory_list, name="factory-list"),
    path("upgrade/", upgrades.overview_all, name="upgrade-overview"),
    path("lifecycle/", lifecycle.across, name="lifecycle"),
    path("connection-tests/<id:pk>/", testing.result, name="connection-test"),
    path("audit/", auditlog.audit_log, name="audit-log"),
    path("tokens/", tokens.token_list, name="token-list"),
    path("tokens/<id:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("users/", users.user_list, name="user-list"),
    path("users/<id:pk>/", users.user_update, name="user-update"),
    # A factory's pages.
    path(F, resources.resource_list, name="resource-list"),
    path(F + "roles/", factories.factory_roles, name="factory-roles"),
    path(F + "import/", imports.import_view, name="resource-import"),
    path(F + "export/", resources.export_factory, name="factory-export"),
    path(F + "deleted/", history.deleted_list, name="deleted-list"),
    path(GONE + "undelete/", history.undelete, name="resource-undelete"),
    path(GONE + "purge/", history.purge, name="resource-purge"),
    path(F + "upgrade/", upgrades.overview, name="factory-upgrade"),
    path(F + "lifecycle/", lifecycle.of_factory, name="factory-lifecycle"),
    path(F + "queries/", pipelines.factory_queries, name="factory-queries"),
    path(F + "environments/", environments.factory_environments, name="factory-environments"),
    path(
        F + "environments/<str:name>/",
        environments.environment_overrides,
        name="environment-overrides",
    ),
    path(
        F + "environments/<str:name>/rows/",
        environments.environment_rows,
        name="environment-rows",
    ),
    path(
        F + "environments/<str:name>/row-lists/",
        environments.environment_row_lists,
        name="environment-row-lists",
    ),
    path(
        F + "environments/<str:name>/test-all/",
        environments.environment_test_all,
        name="environment-test-all",
    ),
    path(F + "transfer/", transfers.designer, name="transfer-designer"),
    path(F + "transfer/save-copy/", transfers.save_copy_activity, name="transfer-save-copy"),
    # A new resource: the gallery, then the type's form (or ADF's { } editor).
    path(F + "new/", editor.gallery, name="resource-gallery"),
    path(F + "new/<str:kind>/", legacy.new_of_type, name="resource-new-legacy"),
    path(NEW, editor.new, name="resource-new"),
    path(NEW + "json/", json_editor.new_json, name="resource-new-json"),
    path(NEW + "test/", testing.test_unsaved, name="resource-new-test"),
    path(NEW + "tables/", datasets.live_tables, name="resource-new-tables"),
    path(NEW + "columns/", datasets.live_columns, name="resource-new-columns"),
    path(NEW + "preview/", datasets.live_preview, name="resource-new-preview"),
    # One resource and its actions.
    path(R, resources.resource_detail, name="resource-detail"),
    path(R + "edit/", editor.edit, name="resource-edit"),
    path(R + "edit/test/", testing.test_edited, name="resource-test-form"),
    path(R + "json/", json_editor.resource_edit_json, name="resource-json"),
    path(R + "history/", history.history, name="resource-history"),
    path(R + "revisions/<id:number>/", history.revision_detail, name="resource-revision"),
    path(R + "revisions/<id:number>/restore/", history.restore, name="resource-restore"),
    path(R + "delete/", resources.delete, name="resource-delete"),
    path(R + "export/", resources.export_one, name="resource-export"),
    path(R + "clone/", editor.clone, name="resource-clone"),
    path(R + "clone/json/", editor.clone_json, name="resource-clone-json"),
    path(R + "test/", testing.test_saved, name="resource-test"),
    path(R + "test/options/", testing.test_options, name="resource-test-options"),
    path(R + "upgrade/", upgrades.wizard, name="resource-upgrade"),
    path(R + "tables/", datasets.live_tables, name="resource-tables"),
    path(R + "columns/", datasets.live_columns, name="resource-columns"),
    path(R + "preview/", datasets.live_preview, name="resource-preview"),
    path(R + "activities/<str:key>/", pipelines.activity, name="resource-activity"),
    # From before this scheme: 301 to the same page.
    path(R + "form/", legacy.to_action, {"action": "edit"}, name="legacy-dataset-form"),
    path(R + "file/", legacy.to_action, {"action": "export"}, name="legacy-file"),
    path(F + "new-dataset/<str:type_name>/", legacy.new_dataset, name="legacy-new-dataset"),
    path("linkedservices/", legacy.linked_services, name="legacy-list"),
    path("linkedservices/new/", legacy.to_factory, {"page": "new/"}, name="legacy-gallery"),
    path("linkedservices/new/<str:type_name>/", legacy.new_linked_service, name="legacy-create"),
    path("linkedservices/import/", legacy.to_factory, {"page": "import/"}, name="legacy-import"),
    path("linkedservices/export/", legacy.to_factory, {"page": "export/"}, name="legacy-export"),
    path("linkedservices/deleted/", legacy.to_factory, {"page": "deleted/"}, name="legacy-deleted"),
    path("linkedservices/<id:pk>/", legacy.by_pk, name="legacy-detail"),
    path("linkedservices/<id:pk>/<path:rest>", legacy.by_pk, name="legacy-action"),
    path(F + "validate/", publish.validate_all, name="factory-validate"),
    path(F + "publish/", publish.publish_arm, name="factory-publish"),
]

handler400 = "portal.api.errors.bad_request"
handler403 = "portal.api.errors.forbidden"
handler404 = "portal.api.errors.not_found"
handler500 = "portal.api.errors.server_error"
