"""Factories: per-factory roles, every kind of resource through one API, documents kept
with their secrets sealed, and references between resources."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from portal.models import Factory, Resource, SecretValue
from portal.roles import Role, grant
from tests.conftest import PASSWORD, SECRET, SPARK_V2, api_for
from tests.fixture_secrets import BLOB_SECRET
from tests.helpers import url_of


def user_with(name: str, roles: dict[Factory, Role]) -> Any:
    user = get_user_model().objects.create_user(name, password=PASSWORD)
    for factory, role in roles.items():
        grant(user, factory, role)
    return user


@pytest.fixture
def sales(db: Any) -> Factory:
    return Factory.objects.create(name="sales", description="Sales data factory")


@pytest.fixture
def hr(db: Any) -> Factory:
    return Factory.objects.create(name="hr", kind=Factory.Kind.SYNAPSE)


@pytest.fixture
def alice(sales: Factory) -> Any:
    """Owner: Admin of sales."""
    return user_with("alice", {sales: Role.ADMIN})


@pytest.fixture
def bob(sales: Factory) -> Any:
    """Member: Reader of sales."""
    return user_with("bob", {sales: Role.READER})


@pytest.fixture
def charlie(hr: Factory) -> Any:
    """Outsider to sales: Editor of hr only."""
    return user_with("charlie", {hr: Role.EDITOR})


def url(factory: str, kind: str, rest: str = "") -> str:
    return f"/api/v1/factories/{factory}/{kind}/{rest}"


def spark(name: str = "SparkProd") -> dict[str, Any]:
    return {"name": name, "properties": copy.deepcopy(SPARK_V2)}


def blob_service(name: str = "Blob") -> dict[str, Any]:
    return {
        "name": name,
        "properties": {
            "type": "AzureBlobStorage",
            "annotations": [],
            "typeProperties": {
                "connectionString": {"type": "SecureString", "value": BLOB_SECRET},
            },
        },
    }


def dataset(name: str = "Sales", linked_service: str = "Blob") -> dict[str, Any]:
    return {
        "name": name,
        "properties": {
            "linkedServiceName": {
                "referenceName": linked_service,
                "type": "LinkedServiceReference",
            },
            "annotations": [],
            "type": "DelimitedText",
            "typeProperties": {"location": {"type": "AzureBlobStorageLocation"}},
        },
    }


def test_a_user_sees_only_the_factories_they_have_a_role_in(
    alice: Any, charlie: Any, hr: Factory
) -> None:
    names = [f["name"] for f in api_for(alice).get("/api/v1/factories/").json()]
    assert names == ["sales"]
    listed = api_for(charlie).get("/api/v1/factories/").json()
    assert [(f["name"], f["kind"], f["role"]) for f in listed] == [("hr", "synapse", "Editor")]


def test_a_reader_of_a_factory_gets_403_writing_to_it_and_404_on_another(
    bob: Any, hr: Factory
) -> None:
    client = api_for(bob)
    assert client.get(url("sales", "linkedService")).status_code == 200
    refused = client.post(url("sales", "linkedService"), spark(), format="json")
    assert refused.status_code == 403
    assert client.get(url("hr", "linkedService")).status_code == 404
    assert client.post(url("hr", "linkedService"), spark(), format="json").status_code == 404
    assert client.get(url("nowhere", "linkedService")).status_code == 404


def test_an_outsider_cannot_read_a_resource_of_another_factory(alice: Any, charlie: Any) -> None:
    assert (
        api_for(alice).post(url("sales", "linkedService"), spark(), format="json").status_code
        == 201
    )
    assert api_for(charlie).get(url("sales", "linkedService", "SparkProd")).status_code == 404


def test_names_are_unique_per_factory_and_kind_regardless_of_case(
    alice: Any, sales: Factory, hr: Factory
) -> None:
    grant(alice, hr, Role.EDITOR)
    client = api_for(alice)
    assert (
        client.post(url("sales", "linkedService"), blob_service("Blob"), format="json").status_code
        == 201
    )
    clash = client.post(url("sales", "linkedService"), blob_service("BLOB"), format="json")
    assert clash.status_code == 400
    assert clash.json()["errors"][0]["path"] == "$.name"
    assert (
        client.post(url("hr", "linkedService"), blob_service("Blob"), format="json").status_code
        == 201
    )
    assert client.post(url("sales", "dataset"), dataset("Blob"), format="json").status_code == 201
    assert Resource.objects.filter(name_key="blob").count() == 3


def test_a_linked_service_of_another_connector_is_kept_as_a_document_with_its_secret_sealed(
    alice: Any,
) -> None:
    client = api_for(alice)
    created = client.post(url("sales", "linkedService"), blob_service(), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["type"] == "Microsoft.DataFactory/factories/linkedservices"
    assert body["properties"]["typeProperties"]["connectionString"]["value"] == "**********"
    stored = Resource.objects.get(name="Blob")
    assert (stored.kind, stored.connector) == ("linkedService", "AzureBlobStorage")
    assert BLOB_SECRET not in stored.definition
    assert SecretValue.objects.get().reveal() == BLOB_SECRET
    exported = client.get(url("sales", "linkedService", "Blob/export"))
    assert BLOB_SECRET not in exported.content.decode()
    assert "**********" in exported.content.decode()


def test_a_masked_secret_in_a_document_keeps_the_stored_one(alice: Any) -> None:
    client = api_for(alice)
    client.post(url("sales", "linkedService"), blob_service(), format="json")
    edited = blob_service()
    edited["properties"]["description"] = "edited"
    edited["properties"]["typeProperties"]["connectionString"]["value"] = "**********"
    response = client.put(
        url("sales", "linkedService", "Blob"), edited, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    assert SecretValue.objects.count() == 1
    assert SecretValue.objects.get().reveal() == BLOB_SECRET


def test_every_kind_has_history_diff_restore_and_delete_through_one_api(alice: Any) -> None:
    client = api_for(alice)
    client.post(url("sales", "linkedService"), blob_service(), format="json")
    pipeline = {
        "name": "Load",
        "properties": {"activities": [{"name": "Wait", "type": "Wait"}], "annotations": []},
    }
    assert client.post(url("sales", "pipeline"), pipeline, format="json").status_code == 201
    pipeline["properties"]["description"] = "now described"
    changed = client.put(
        url("sales", "pipeline", "Load"), pipeline, format="json", HTTP_IF_MATCH='"1"'
    )
    assert changed.status_code == 200
    assert changed.json()["type"] == "Microsoft.DataFactory/factories/pipelines"
    revisions = client.get(url("sales", "pipeline", "Load/revisions")).json()
    assert [r["number"] for r in revisions["results"]] == [2, 1] and revisions["count"] == 2
    diff = client.get(url("sales", "pipeline", "Load/diff?from=1&to=2")).json()
    assert [c["path"] for c in diff["changes"]] == ["$.properties.description"]
    restored = client.post(
        url("sales", "pipeline", "Load/revisions/1/restore"), HTTP_IF_MATCH='"2"'
    )
    assert restored.status_code == 200
    assert "description" not in restored.json()["properties"]
    assert client.delete(url("sales", "pipeline", "Load"), HTTP_IF_MATCH='"3"').status_code == 204
    assert client.get(url("sales", "pipeline", "Load")).status_code == 404


def test_a_document_without_properties_is_refused_at_its_path(alice: Any) -> None:
    response = api_for(alice).post(url("sales", "dataset"), {"name": "X"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "$.properties"


def test_references_are_listed_both_ways_and_broken_ones_marked(alice: Any) -> None:
    client = api_for(alice)
    client.post(url("sales", "linkedService"), blob_service(), format="json")
    client.post(url("sales", "dataset"), dataset("Sales", "Blob"), format="json")
    client.post(url("sales", "dataset"), dataset("Orphan", "Missing"), format="json")
    of_blob = client.get(url("sales", "linkedService", "Blob/references")).json()
    assert [(r["kind"], r["name"]) for r in of_blob["referencedBy"]] == [("dataset", "Sales")]
    of_orphan = client.get(url("sales", "dataset", "Orphan/references")).json()
    assert of_orphan["references"] == [
        {
            "path": "$.properties.linkedServiceName",
            "kind": "linkedService",
            "name": "Missing",
            "broken": True,
            "url": None,
        }
    ]


def test_deleting_or_renaming_a_referenced_linked_service_is_refused_with_the_list(
    alice: Any,
) -> None:
    client = api_for(alice)
    client.post(url("sales", "linkedService"), blob_service(), format="json")
    client.post(url("sales", "dataset"), dataset("Sales", "Blob"), format="json")
    deleted = client.delete(url("sales", "linkedService", "Blob"), HTTP_IF_MATCH='"1"')
    assert deleted.status_code == 400
    assert "dataset 'Sales'" in deleted.json()["errors"][0]["message"]
    renamed = blob_service("Blob2")
    refused = client.put(
        url("sales", "linkedService", "Blob"), renamed, format="json", HTTP_IF_MATCH='"1"'
    )
    assert refused.status_code == 400
    assert "dataset 'Sales'" in refused.json()["errors"][0]["message"]
    assert Resource.objects.get(kind="linkedService").name == "Blob"


def test_renaming_with_update_references_gives_each_referencing_resource_a_revision(
    alice: Any,
) -> None:
    client = api_for(alice)
    client.post(url("sales", "linkedService"), blob_service(), format="json")
    client.post(url("sales", "dataset"), dataset("Sales", "Blob"), format="json")
    renamed = client.put(
        url("sales", "linkedService", "Blob") + "?updateReferences=true",
        blob_service("Blob2"),
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert renamed.status_code == 200, renamed.content
    sales_dataset = Resource.objects.get(kind="dataset")
    assert sales_dataset.revision == 2
    assert sales_dataset.properties["linkedServiceName"]["referenceName"] == "Blob2"
    assert "renamed" in sales_dataset.revisions.first().comment


def test_the_default_factory_keeps_the_routes_from_before_factories(
    editor: Any, spark_v2: dict[str, Any]
) -> None:
    client = api_for(editor)
    created = client.post("/api/v1/linkedservices/", spark(), format="json")
    assert created.status_code == 201
    assert created["Location"] == "/api/v1/linkedservices/SparkProd"
    same = client.get(url("default", "linkedService", "SparkProd"))
    assert same.status_code == 200
    assert same.json()["properties"]["typeProperties"]["password"]["value"] == "**********"
    assert SECRET not in json.dumps(same.json())


def page(factory: str, kind: str = "", name: str = "", rest: str = "") -> str:
    parts = [p for p in (factory, kind, name) if p]
    return "/factories/" + "/".join(parts) + "/" + rest


def test_pages_a_reader_of_a_factory_may_read_but_not_edit_and_another_factory_is_404(
    alice: Any, bob: Any, hr: Factory
) -> None:
    from tests.conftest import signed_in

    api_for(alice).post(url("sales", "linkedService"), blob_service(), format="json")
    client = signed_in(bob)
    assert client.get(page("sales")).status_code == 200
    assert client.get(page("sales", "linkedService", "Blob")).status_code == 200
    assert client.get(page("sales", "linkedService", "Blob", "json/")).status_code == 403
    assert client.get(page("hr")).status_code == 404
    stored = Resource.objects.get(name="Blob")
    assert (
        signed_in(user_with("dora", {hr: Role.ADMIN})).get(url_of(stored, "history")).status_code
        == 404
    )
    listed = client.get("/factories/").content.decode()
    assert 'href="/factories/sales/"' in listed
    assert 'href="/factories/hr/"' not in listed


def test_the_detail_page_links_references_and_marks_broken_ones(alice: Any) -> None:
    from tests.conftest import signed_in

    client = api_for(alice)
    client.post(url("sales", "linkedService"), blob_service(), format="json")
    client.post(url("sales", "dataset"), dataset("Sales", "Blob"), format="json")
    client.post(url("sales", "dataset"), dataset("Orphan", "Missing"), format="json")
    browser = signed_in(alice)
    sales = browser.get(page("sales", "dataset", "Sales")).content.decode()
    assert 'href="/factories/sales/linkedService/Blob/"' in sales
    orphan = browser.get(page("sales", "dataset", "Orphan")).content.decode()
    assert "broken" in orphan
    blob = browser.get(page("sales", "linkedService", "Blob")).content.decode()
    assert 'href="/factories/sales/dataset/Sales/"' in blob
    assert BLOB_SECRET not in blob and "**********" in blob


def test_editing_json_shows_the_changes_before_saving_and_keeps_a_masked_secret(alice: Any) -> None:
    from tests.conftest import signed_in

    api_for(alice).post(url("sales", "linkedService"), blob_service(), format="json")
    browser = signed_in(alice)
    edit_url = page("sales", "linkedService", "Blob", "json/")
    text = browser.get(edit_url).context["text"]
    assert BLOB_SECRET not in text
    changed = text.replace('"annotations": []', '"annotations": ["edited"]')
    bad = browser.post(edit_url, {"text": "{not json", "based_on": "1", "preview": "1"})
    assert bad.status_code == 400 and "Not valid JSON" in bad.content.decode()
    preview = browser.post(edit_url, {"text": changed, "based_on": "1", "preview": "1"})
    assert preview.status_code == 200
    assert [c.path for c in preview.context["changes"]] == ["$.properties.annotations"]
    assert Resource.objects.get(name="Blob").revision == 1
    saved = browser.post(edit_url, {"text": changed, "based_on": "1", "save": "1"})
    assert saved.status_code == 302
    stored = Resource.objects.get(name="Blob")
    assert (stored.revision, stored.properties["annotations"]) == (2, ["edited"])
    assert SecretValue.objects.count() == 1


def test_cli_imports_and_exports_per_factory(tmp_path: Any, sales: Factory) -> None:
    from django.core.management import call_command

    (tmp_path / "repo" / "linkedService").mkdir(parents=True)
    (tmp_path / "repo" / "dataset").mkdir()
    (tmp_path / "repo" / "linkedService" / "Blob.json").write_text(json.dumps(blob_service()))
    (tmp_path / "repo" / "dataset" / "Sales.json").write_text(json.dumps(dataset()))
    call_command("import_adf", str(tmp_path / "repo"), "--factory", "sales", stdout=None)
    kinds = sorted(Resource.objects.filter(factory=sales).values_list("kind", "name"))
    assert kinds == [("dataset", "Sales"), ("linkedService", "Blob")]
    revision = Resource.objects.get(kind="dataset").revisions.get()
    assert revision.source_path.endswith("dataset/Sales.json")
    assert bytes(revision.source_bytes) == json.dumps(dataset()).encode()
    call_command("export_adf", str(tmp_path / "out"), "--factory", "sales")
    assert sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.json")
    ) == [
        "dataset/Sales.json",
        "linkedService/Blob.json",
    ]
    assert BLOB_SECRET not in (tmp_path / "out" / "linkedService" / "Blob.json").read_text()


def test_a_site_admin_creates_a_factory_and_its_admin_grants_roles_in_it(
    admin_user: Any, bob: Any
) -> None:
    from tests.conftest import signed_in

    client = signed_in(admin_user)
    created = client.post(
        "/factories/", {"name": "finance", "kind": "synapse", "description": "Finance"}
    )
    assert created.status_code == 302
    finance = Factory.objects.get(name="finance")
    assert finance.is_workspace
    assert signed_in(bob).get("/factories/finance/").status_code == 404
    granted = client.post("/factories/finance/roles/", {"user": bob.pk, "role": "Reader"})
    assert granted.status_code == 302
    assert signed_in(bob).get("/factories/finance/").status_code == 200
    assert (
        signed_in(bob).post("/factories/", {"name": "mine", "kind": "dataFactory"}).status_code
        == 200
    )
    assert not Factory.objects.filter(name="mine").exists()
    assert signed_in(bob).get("/factories/finance/roles/").status_code == 403


def test_the_form_creates_a_spark_linked_service_in_the_factory_of_its_url(
    alice: Any, sales: Factory
) -> None:
    from tests.conftest import form_data, signed_in

    response = signed_in(alice).post("/factories/sales/new/linkedService/Spark/", form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Resource.objects.get(name="SparkFromForm")
    assert (created.factory, created.kind, created.connector) == (sales, "linkedService", "Spark")
    assert SECRET not in created.definition


def test_the_import_page_of_a_factory_imports_every_kind_into_it_and_warns_of_broken_references(
    alice: Any, sales: Factory
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import signed_in

    files = [
        SimpleUploadedFile("Blob.json", json.dumps(blob_service()).encode()),
        SimpleUploadedFile("Orphan.json", json.dumps(
            {**dataset("Orphan", "Missing"), "type": "Microsoft.DataFactory/factories/datasets"}
        ).encode()),
    ]  # fmt: skip
    response = signed_in(alice).post("/factories/sales/import/", {"files": files}, follow=True)
    assert response.status_code == 200
    kinds = sorted(Resource.objects.filter(factory=sales).values_list("kind", "name"))
    assert kinds == [("dataset", "Orphan"), ("linkedService", "Blob")]
    shown = [str(m) for m in response.context["messages"]]
    assert any("'Missing'" in m and "broken" in m for m in shown)


def test_history_diff_restore_and_delete_pages_work_for_a_dataset(alice: Any) -> None:
    from tests.conftest import signed_in

    client = api_for(alice)
    client.post(url("sales", "linkedService"), blob_service(), format="json")
    client.post(url("sales", "dataset"), dataset("Sales", "Blob"), format="json")
    changed = dataset("Sales", "Blob")
    changed["properties"]["description"] = "orders"
    client.put(url("sales", "dataset", "Sales"), changed, format="json", HTTP_IF_MATCH='"1"')
    stored = Resource.objects.get(kind="dataset")
    browser = signed_in(alice)
    history = browser.get(url_of(stored, "history") + "?old=1&new=2")
    assert history.status_code == 200
    assert "$.properties.description" in history.content.decode()
    restored = browser.post(url_of(stored, "restore", 1), {"based_on": "2"})
    assert restored.status_code == 302
    assert Resource.objects.get(kind="dataset").revision == 3
    assert browser.get(url_of(stored, "delete")).status_code == 200
    deleted = browser.post(url_of(stored, "delete"), {"based_on": "3"})
    assert deleted.status_code == 302
    assert Resource.objects.get(kind="dataset").deleted_at is not None
    blob = Resource.objects.get(kind="linkedService")
    assert browser.post(url_of(blob, "delete"), {"based_on": "1"}).status_code == 302
    assert Resource.objects.get(kind="linkedService").deleted_at is not None


def test_a_document_nested_too_deep_is_refused_at_import(alice: Any, sales: Factory) -> None:
    from portal.imports import import_documents

    deep: Any = "leaf"
    for _ in range(200):
        deep = [deep]
    document = {"name": "Deep", "type": "Microsoft.DataFactory/factories/pipelines"}
    document["properties"] = {"activities": deep}
    ok, outcomes = import_documents(
        [("pipeline/Deep.json", json.dumps(document).encode())], user=alice, factory=sales
    )
    assert not ok
    assert outcomes[0].problems[0].path == "$"
    assert not Resource.objects.exists()


def test_a_synapse_workspace_gives_and_takes_documents_in_synapse_spelling(
    alice: Any, hr: Factory
) -> None:
    grant(alice, hr, Role.EDITOR)
    client = api_for(alice)
    created = client.post(url("hr", "linkedService"), spark(), format="json")
    assert created.json()["type"] == "Microsoft.Synapse/workspaces/linkedservices"
    again = client.put(
        url("hr", "linkedService", "SparkProd"), created.json(), format="json", HTTP_IF_MATCH='"1"'
    )
    assert again.status_code == 200, again.content


def test_home_leads_a_user_without_a_role_in_the_default_factory_to_their_factories(
    bob: Any, reader: Any
) -> None:
    from tests.conftest import signed_in

    # Their one factory at once (several: the list of them); then the one they were last in.
    assert signed_in(bob).get("/")["Location"] == "/factories/sales/"
    assert signed_in(reader).get("/")["Location"] == "/factories/default/"
