"""The upgrade wizard, overview, bulk upgrade, command line and API."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client

from connectors.registry import get_version
from connectors.validation import validate_properties
from portal import upgrades
from portal.definitions import save_definition
from portal.models import AuditEvent, Factory, Resource, Revision, SecretValue
from portal.services import upgrades as upgrade_actions
from portal.services.actor import Actor
from tests.conftest import api_for
from tests.fixture_secrets import READY_SECRET, V1_SECRET
from tests.helpers import url_of

pytestmark = pytest.mark.django_db

SASL_USERNAME = {
    "description": "legacy cluster",
    "annotations": ["team-a"],
    "type": "Spark",
    "typeProperties": {
        "host": "spark.internal",
        "port": 10000,
        "thriftTransportProtocol": "SASL",
        "authenticationType": "Username",
        "username": "etl",
    },
    "connectVia": {"referenceName": "SelfHostedIR", "type": "IntegrationRuntimeReference"},
    "parameters": {"db": {"type": "String", "defaultValue": "default"}},
}
READY = {
    "type": "Spark",
    "typeProperties": {
        "host": "ready.example.com",
        "port": 443,
        "thriftTransportProtocol": "HTTP",
        "authenticationType": "UsernameAndPassword",
        "username": "svc",
        "password": {"type": "SecureString", "value": READY_SECRET},
        "httpPath": "cliservice",
        "enableSsl": True,
    },
}
BLOCKED = {
    "type": "Spark",
    "typeProperties": {
        "host": "x.example.com",
        "port": 10000,
        "authenticationType": {"type": "Expression", "value": "@linkedService().auth"},
    },
}


def create(user: Any, name: str, properties: dict[str, Any]) -> Resource:
    if properties is BLOCKED:
        # Stored before the schema refused it (e.g. imported by an older release): no
        # rule can turn it into a valid 2.0 definition, so its upgrade is blocked.
        return Resource.objects.create(
            factory=Factory.default(),
            name=name,
            name_key=name.casefold(),
            connector="Spark",
            connector_version="1.0",
            definition=json.dumps(properties),
            revision=1,
            created_by=user,
            updated_by=user,
        )
    return save_definition(user=user, name=name, properties=properties, action="create").resource


def step_of(html: str) -> str:
    return re.search(r'data-step="([^"]+)"', html).group(1)


def test_list_marks_v1_and_offers_upgrade(editor_client: Client, editor: Any) -> None:
    service = create(editor, "Old", SASL_USERNAME)
    html = editor_client.get("/factories/default/").content.decode()
    assert "past end of support" in html and url_of(service, "upgrade") in html


def test_overview_gives_each_a_verdict(editor_client: Client, editor: Any) -> None:
    create(editor, "Old", SASL_USERNAME)
    create(editor, "Ready", READY)
    create(editor, "Stuck", BLOCKED)
    html = editor_client.get("/upgrade/").content.decode()
    rows = dict(re.findall(r'<tr data-name="([^"]+)">(.*?)</tr>', html, re.S))
    assert "ready" in rows["Ready"] and "checked" in rows["Ready"]
    assert "needs decisions" in rows["Old"] and "Authentication type" in rows["Old"]
    assert "blocked" in rows["Stuck"]


def test_wizard_walks_every_step_to_commit_and_rolls_back(
    editor_client: Client, editor: Any
) -> None:
    service = create(editor, "Old", SASL_USERNAME)
    url = url_of(service, "upgrade")
    html = editor_client.get(url).content.decode()
    assert step_of(html) == "analyse"
    rules = set(re.findall(r'data-rule="([^"]+)"', html))
    assert {"version", "transport", "username-auth", "enable-ssl-default"} <= rules
    assert "HTTP mode" in html
    html = editor_client.post(
        url, {"step": "analyse", "nav": "next", "based_on": "1"}
    ).content.decode()
    assert step_of(html) == "types" and "TimestampType" in html and "DateTimeOffset" in html
    html = editor_client.post(
        url, {"step": "types", "nav": "next", "based_on": "1"}
    ).content.decode()
    assert step_of(html) == "decide"
    assert set(re.findall(r'name="(d-[^"]+)"', html)) >= {
        "d-port",
        "d-httpPath",
        "d-authenticationType",
    }
    answers = {
        "d-port": "10001",
        "d-httpPath": "cliservice",
        "d-authenticationType": "UsernameAndPassword",
    }
    html = editor_client.post(
        url, {"step": "decide", "nav": "goto-decide", "based_on": "1", **answers}
    ).content.decode()
    assert 'name="d-password"' in html  # asked only now that the chosen type needs it
    typed = "n3w-Upgrade-Secret"
    html = editor_client.post(
        url, {"step": "decide", "nav": "next", "based_on": "1", **answers, "d-password": typed}
    ).content.decode()
    assert step_of(html) == "preview" and typed not in html
    assert "validates against the version 2.0 schema" in html
    assert "&quot;version&quot;: &quot;2.0&quot;" in html and "**********" in html
    for step in ("preview", "test"):
        html = editor_client.post(
            url, {"step": step, "nav": "next", "based_on": "1", **answers}
        ).content.decode()
    assert step_of(html) == "commit" and typed not in html
    response = editor_client.post(
        url, {"step": "commit", "nav": "commit", "based_on": "1", **answers}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.connector_version == "2.0" and service.revision == 2
    props = service.properties
    assert (
        validate_properties(
            get_version("Spark", "2.0"),
            {
                **props,
                "typeProperties": {
                    **props["typeProperties"],
                    "password": {"type": "SecureString", "value": "x"},
                },
            },
        )
        == []
    )
    tp = props["typeProperties"]
    assert tp["thriftTransportProtocol"] == "HTTP" and tp["port"] == 10001
    assert tp["authenticationType"] == "UsernameAndPassword" and tp["enableSsl"] is False
    assert SecretValue.objects.get(pk=tp["password"]["secretId"]).reveal() == typed
    for kept in ("description", "annotations", "connectVia", "parameters"):
        assert props[kept] == SASL_USERNAME[kept]
    upgrade = Revision.objects.get(number=2)
    assert upgrade.action == "upgrade" and "thriftTransportProtocol" in upgrade.detail
    assert Revision.objects.get(number=1).connector_version == "1.0"
    detail = editor_client.get(url_of(service)).content.decode()
    assert "Roll back the upgrade" in detail
    editor_client.post(url_of(service, "restore", 1), {"based_on": "2"})
    service.refresh_from_db()
    assert (
        service.connector_version == "1.0"
        and service.properties == Revision.objects.get(number=1).properties
    )
    assert service.revision == 3


def test_preview_refuses_to_go_on_until_decided(editor_client: Client, editor: Any) -> None:
    service = create(editor, "Old", SASL_USERNAME)
    url = url_of(service, "upgrade")
    html = editor_client.post(
        url, {"step": "preview", "nav": "next", "based_on": "1"}
    ).content.decode()
    assert step_of(html) == "preview"
    assert re.search(
        r'<button class="primary" type="submit" name="nav" value="next" disabled', html
    )


def test_stale_commit_is_refused(editor_client: Client, editor: Any) -> None:
    service = create(editor, "Ready", READY)
    save_definition(user=editor, name="Ready", properties=READY, action="edit", instance=service)
    response = editor_client.post(
        url_of(service, "upgrade"),
        {"step": "commit", "nav": "commit", "based_on": "1"},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.connector_version == "1.0"


def test_bulk_dry_run_then_apply(editor_client: Client, editor: Any) -> None:
    ready = create(editor, "Ready", READY)
    old = create(editor, "Old", SASL_USERNAME)
    stuck = create(editor, "Stuck", BLOCKED)
    ids = [str(ready.pk), str(old.pk), str(stuck.pk)]
    dry = editor_client.post("/upgrade/", {"ids": ids, "mode": "dry-run"}).content.decode()
    assert "Dry run" in dry and "would upgrade" in dry and "needs decisions" in dry
    assert Resource.objects.filter(connector_version="2.0").count() == 0
    report = editor_client.post("/upgrade/", {"ids": ids, "mode": "apply"}).content.decode()
    assert "upgraded (revision 2)" in report and "blocked" in report
    assert list(
        Resource.objects.filter(connector_version="2.0").values_list("name", flat=True)
    ) == ["Ready"]
    ready.refresh_from_db()
    secret_id = ready.properties["typeProperties"]["password"]["secretId"]
    assert SecretValue.objects.get(pk=secret_id).reveal() == READY_SECRET


def test_readers_cannot_upgrade(reader_client: Client, editor: Any) -> None:
    service = create(editor, "Ready", READY)
    assert reader_client.get(url_of(service, "upgrade")).status_code == 403
    assert (
        reader_client.post("/upgrade/", {"ids": [service.pk], "mode": "apply"}).status_code == 403
    )
    assert reader_client.get("/upgrade/").status_code == 200


def test_command_line(editor: Any) -> None:
    create(editor, "Ready", READY)
    create(editor, "Old", SASL_USERNAME)
    out = io.StringIO()
    with pytest.raises(SystemExit) as status:
        call_command("upgrade_spark", "--dry-run", stdout=out)
    assert status.value.code == 1
    assert (
        "ready     Ready" in out.getvalue() and "NOT READY Old: needs decisions" in out.getvalue()
    )
    out = io.StringIO()
    call_command("upgrade_spark", "--dry-run", "--name", "ready", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert [r["name"] for r in report["results"]] == ["Ready"] and report["applied"] is False
    assert READY_SECRET not in out.getvalue()
    out = io.StringIO()
    call_command("upgrade_spark", "--apply", "--name", "Ready", stdout=out)
    assert "upgraded  Ready (revision 2)" in out.getvalue()
    assert Resource.objects.get(name="Ready").connector_version == "2.0"
    with pytest.raises(SystemExit):
        call_command("upgrade_spark", "--apply", stdout=io.StringIO())


def test_api_analyse_preview_apply_and_bulk(editor: Any, reader: Any) -> None:
    create(editor, "Old", SASL_USERNAME)
    create(editor, "Ready", READY)
    api = api_for(editor)
    plan = api.get("/api/v1/linkedservices/Old/upgrade").json()
    assert plan["verdict"] == "needs-decisions" and "authenticationType" in plan["pending"]
    answers = {"port": 10001, "httpPath": "cliservice", "authenticationType": "Anonymous"}
    preview = api.post(
        "/api/v1/linkedservices/Old/upgrade", {"answers": answers}, format="json"
    ).json()
    assert preview["verdict"] == "ready" and preview["proposed"]["version"] == "2.0"
    assert (
        api.post(
            "/api/v1/linkedservices/Old/upgrade/apply", {"answers": answers}, format="json"
        ).status_code
        == 428
    )
    assert (
        api.post(
            "/api/v1/linkedservices/Old/upgrade/apply",
            {"answers": answers},
            format="json",
            HTTP_IF_MATCH='"9"',
        ).status_code
        == 412
    )
    applied = api.post(
        "/api/v1/linkedservices/Old/upgrade/apply",
        {"answers": answers},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert applied.status_code == 200 and applied.json()["properties"]["version"] == "2.0"
    bulk = api.post("/api/v1/upgrade", {"dryRun": True}, format="json").json()
    assert [r["name"] for r in bulk["results"]] == ["Ready"] and bulk["applied"] is False
    done = api.post("/api/v1/upgrade", {"names": ["Ready"], "dryRun": False}, format="json").json()
    assert done["results"][0]["upgraded"] is True
    reader_api = api_for(reader)
    assert reader_api.post("/api/v1/upgrade", {"dryRun": False}, format="json").status_code == 403


def test_api_refuses_a_forged_secret_answer(editor: Any, saved_service: Any) -> None:
    create(editor, "Old", SASL_USERNAME)
    stolen = saved_service.properties["typeProperties"]["password"]["secretId"]
    api = api_for(editor)
    answers = {
        "port": 10001,
        "httpPath": "cliservice",
        "authenticationType": "UsernameAndPassword",
        "password": {"type": "SecureString", "secretId": stolen},
    }
    response = api.post(
        "/api/v1/linkedservices/Old/upgrade/apply",
        {"answers": answers},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    service = Resource.objects.get(name="Old")
    assert service.connector_version == "1.0"


def test_upgrade_api_shows_stored_secrets_as_the_mask_not_their_id(
    editor: Any, reader: Any
) -> None:
    v1_with_password = {
        **READY,
        "typeProperties": {
            **READY["typeProperties"],
            "password": {"type": "SecureString", "value": V1_SECRET},
        },
    }
    create(editor, "Stored", v1_with_password)
    bodies = [
        api_for(reader).get("/api/v1/linkedservices/Stored/upgrade"),
        api_for(editor).post("/api/v1/linkedservices/Stored/upgrade", {}, format="json"),
        api_for(editor).post("/api/v1/upgrade", {"dryRun": True}, format="json"),
    ]
    for response in bodies:
        assert response.status_code == 200
        assert "secretId" not in response.content.decode()
        assert V1_SECRET not in response.content.decode()
    plan, _, bulk = (r.json() for r in bodies)
    masked = {"type": "SecureString", "value": "**********"}
    assert plan["proposed"]["typeProperties"]["password"] == masked
    assert bulk["results"][0]["proposed"]["typeProperties"]["password"] == masked


def test_bulk_apply_writes_each_audit_row_with_its_revision(editor: Any) -> None:
    create(editor, "Ready", READY)
    create(editor, "Ready2", READY)
    create(editor, "Old", SASL_USERNAME)
    with pytest.raises(SystemExit):
        call_command("upgrade_spark", "--apply", "--user", editor.username, stdout=io.StringIO())
    rows = AuditEvent.objects.filter(action=AuditEvent.Action.UPGRADE)
    assert sorted(rows.values_list("object_name", "revision", "detail")) == [
        ("Ready", 2, "command line"),
        ("Ready2", 2, "command line"),
    ]


def test_bulk_apply_writes_no_revision_when_its_audit_row_cannot_be_written(
    editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = create(editor, "Ready", READY)

    def failing_record(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr("portal.services.upgrades.audit.record_many", failing_record)
    with pytest.raises(DatabaseError):
        upgrade_actions.bulk(Actor(editor, "ui"), [ready], apply=True)
    ready.refresh_from_db()
    assert ready.connector_version == "1.0" and ready.revision == 1
    assert list(ready.revisions.values_list("number", flat=True)) == [1]


def ready_a_b_c(editor: Any) -> Resource:
    """Three ready definitions A, B and C; returns B."""
    return [create(editor, name, READY) for name in ("A", "B", "C")][1]


def only_b_left_out(outcomes: list[upgrades.BulkOutcome]) -> bool:
    return [(o.service.name, o.upgraded) for o in outcomes] == [
        ("A", True),
        ("B", False),
        ("C", True),
    ]


def upgrade_rows() -> list[tuple[str, int | None]]:
    rows = AuditEvent.objects.filter(action=AuditEvent.Action.UPGRADE)
    return sorted(rows.values_list("object_name", "revision"))


def test_bulk_apply_in_several_batches_writes_each_revision_with_its_audit_row(
    editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready_a_b_c(editor)
    monkeypatch.setattr(upgrades, "BULK_BATCH", 2)
    outcomes = upgrade_actions.bulk(Actor(editor, "cli"), list(upgrades.upgradable()), apply=True)
    assert [(o.service.name, o.upgraded, o.revision) for o in outcomes] == [
        ("A", True, 2),
        ("B", True, 2),
        ("C", True, 2),
    ]
    assert upgrade_rows() == [("A", 2), ("B", 2), ("C", 2)]
    for service in Resource.objects.all():
        assert service.connector_version == "2.0" and service.revision == 2
        assert list(service.revisions.values_list("number", "action")) == [
            (2, Revision.Action.UPGRADE),
            (1, "create"),
        ]
        secret = service.properties["typeProperties"]["password"]
        assert set(secret) == {"type", "secretId"}  # still sealed at rest
        assert SecretValue.objects.get(pk=secret["secretId"]).reveal() == READY_SECRET


def test_bulk_apply_leaves_out_only_a_definition_changed_since_it_was_read(
    editor: Any,
) -> None:
    changed = ready_a_b_c(editor)
    services = list(upgrades.upgradable())
    save_definition(user=editor, name="B", properties=READY, action="edit", instance=changed)
    outcomes = upgrade_actions.bulk(Actor(editor, "cli"), services, apply=True)
    assert only_b_left_out(outcomes)
    assert "B is at revision 2" in outcomes[1].error
    assert upgrade_rows() == [("A", 2), ("C", 2)]
    changed.refresh_from_db()
    assert changed.connector_version == "1.0" and changed.revision == 2


def test_a_batch_the_database_refuses_is_written_one_definition_at_a_time(
    editor: Any,
) -> None:
    taken = ready_a_b_c(editor)
    # Revision 2 of B exists already (as if written by a writer that did not move the
    # resource on): the batch's insert of the revisions is refused as a whole.
    Revision.objects.create(
        resource=taken,
        number=2,
        name="B",
        connector="Spark",
        connector_version="1.0",
        definition=taken.definition,
        action=Revision.Action.EDIT,
        author=editor,
    )
    outcomes = upgrade_actions.bulk(Actor(editor, "cli"), list(upgrades.upgradable()), apply=True)
    assert only_b_left_out(outcomes)
    assert outcomes[1].error
    assert upgrade_rows() == [("A", 2), ("C", 2)]
    taken.refresh_from_db()
    assert taken.connector_version == "1.0" and taken.revision == 1


def test_bulk_apply_plans_each_definition_once(
    editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    create(editor, "Ready", READY)
    create(editor, "Old", SASL_USERNAME)
    planned: list[str] = []
    real_plan_for = upgrades.plan_for

    def counting_plan_for(service: Resource, answers: Any = None) -> Any:
        planned.append(service.name)
        return real_plan_for(service, answers)

    monkeypatch.setattr(upgrades, "plan_for", counting_plan_for)
    outcomes = upgrades.bulk_upgrade(user=editor, services=list(upgrades.upgradable()), apply=True)
    assert [o.upgraded for o in outcomes] == [False, True]
    assert sorted(planned) == ["Old", "Ready"]
