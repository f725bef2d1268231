"""A CA certificate uploaded with a test (form or API): used for that test, never stored."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from connectors.ca_certificates import MAX_PEM_CHARS
from portal.definitions import save_definition
from portal.models import ConnectionTest
from tests.conftest import api_for, form_data
from tests.fake_server import FakeServer, silent, tls_server_context
from tests.helpers import NEW_SPARK_TEST, url_of
from tests.pki import TestPki
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

pytestmark = pytest.mark.django_db(transaction=True)

IR_PATH = "/etc/passwd"  # a file on this machine, too: it must make no difference


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 3.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 2.0


def tls_form(port: int, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = form_data(
        version="1.0",
        **{
            "tp-host": "127.0.0.1",
            "tp-port": str(port),
            "tp-thriftTransportProtocol": "HTTP",
            "tp-authenticationType": "Anonymous",
            "tp-enableSsl": "true",
            "tp-trustedCertPath": IR_PATH,
            "tp-username": "",
            "tp-password": "",
        },
    )
    data.update(extra)
    return data


def finished(response: Any) -> ConnectionTest:
    assert response.status_code == 200, response.content
    test = ConnectionTest.objects.latest("pk")
    end = time.monotonic() + 30
    while not test.done and time.monotonic() < end:
        time.sleep(0.1)
        test.refresh_from_db()
    assert test.done
    return test


def tls_stage(test: ConnectionTest) -> dict[str, Any]:
    return next(s for s in test.result["stages"] if s["name"] == "TLS handshake")


def test_the_form_verifies_with_the_uploaded_ca_and_stores_none_of_it(
    editor_client: Client, pki: TestPki
) -> None:
    ctx = tls_server_context(str(pki.server.cert_pem), str(pki.server.key_pem))
    ca = pki.ca_pem.read_bytes()
    with FakeServer(silent, tls=ctx) as server:
        url = NEW_SPARK_TEST
        upload = SimpleUploadedFile("ca.pem", ca, content_type="application/x-pem-file")
        with_ca = finished(
            editor_client.post(
                url, tls_form(server.port, ca_certificate=upload), HTTP_HX_REQUEST="true"
            )
        )
        without = finished(editor_client.post(url, tls_form(server.port), HTTP_HX_REQUEST="true"))
    assert tls_stage(with_ca)["status"] == "passed"
    assert "the CA certificate uploaded for this test" in tls_stage(with_ca)["detail"]
    assert tls_stage(without)["status"] == "failed"
    assert "upload" in tls_stage(without)["change"].lower()
    stored = json.dumps([with_ca.report, with_ca.name, str(with_ca.__dict__)])
    assert "BEGIN CERTIFICATE" not in stored and "MII" not in stored


def test_the_form_refuses_an_upload_that_is_not_pem(editor_client: Client) -> None:
    url = NEW_SPARK_TEST
    for content, why in [
        (b"root:x:0:0:root:/root:/bin/bash\n", "must be PEM text"),
        (b"\x30\x82\x01\x0a\xff\xfe", "binary, perhaps DER"),
        (b"-" * (MAX_PEM_CHARS + 1), "larger than"),
    ]:
        upload = SimpleUploadedFile("ca.pem", content)
        response = editor_client.post(
            url, tls_form(1, ca_certificate=upload), HTTP_HX_REQUEST="true"
        )
        assert why in response.content.decode(), why
    assert not ConnectionTest.objects.exists()


@pytest.mark.spark("https-ca-custom")
def test_the_api_passes_a_tls_spark_server_with_the_uploaded_ca_and_fails_without(
    spark_pool: ServerPool, editor: Any, settings: Any
) -> None:
    settings.CONNECTION_TEST_DEADLINE = 30.0  # a first SELECT 1 takes a while
    port = spark_pool.get("https-ca-custom").port
    body = {
        "name": "SparkTls",
        "properties": {
            "type": "Spark",
            "typeProperties": {
                "host": "127.0.0.1",
                "port": port,
                "thriftTransportProtocol": "HTTP",
                "authenticationType": "UsernameAndPassword",
                "username": CUSTOM_USER,
                "password": {"type": "SecureString", "value": CUSTOM_PASSWORD},
                "enableSsl": True,
                "trustedCertPath": IR_PATH,
            },
        },
    }
    api = api_for(editor)
    url = "/api/v1/test-connection?wait=true"
    with_ca = api.post(
        url, {**body, "caCertificate": spark_pool.pki.ca_pem.read_text()}, format="json"
    )
    assert with_ca.status_code == 200, with_ca.content
    assert with_ca.json()["status"] == "passed", with_ca.json()["report"]
    without = api.post(url, body, format="json").json()
    assert without["status"] == "failed"
    tls = next(s for s in without["report"]["stages"] if s["name"] == "TLS handshake")
    assert tls["status"] == "failed" and "never reads" in tls["detail"]


def test_the_api_refuses_a_ca_certificate_that_is_not_pem(editor: Any) -> None:
    api = api_for(editor)
    for value in ["/etc/ssl/certs/ca.pem", 42, "-----BEGIN CERTIFICATE-----\nAAAA\n"]:
        response = api.post(
            "/api/v1/test-connection",
            {"name": "x", "properties": {"type": "Spark"}, "caCertificate": value},
            format="json",
        )
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert error["path"] == "$.caCertificate" and error["message"]
    assert not ConnectionTest.objects.exists()


def test_a_saved_linked_service_is_tested_with_an_uploaded_ca(
    editor_client: Client, editor: Any, pki: TestPki
) -> None:
    ctx = tls_server_context(str(pki.server.cert_pem), str(pki.server.key_pem))
    with FakeServer(silent, tls=ctx) as server:
        tp = {
            "host": "127.0.0.1",
            "port": server.port,
            "thriftTransportProtocol": "HTTP",
            "authenticationType": "Anonymous",
            "enableSsl": True,
            "trustedCertPath": IR_PATH,
        }
        service = save_definition(
            user=editor,
            name="SavedTls",
            properties={"type": "Spark", "typeProperties": tp},
            action="create",
        ).resource
        assert 'name="ca_certificate"' in editor_client.get(url_of(service)).content.decode()
        upload = SimpleUploadedFile("ca.pem", pki.ca_pem.read_bytes())
        test = finished(
            editor_client.post(
                url_of(service, "test"),
                {"ca_certificate": upload},
                HTTP_HX_REQUEST="true",
            )
        )
    assert tls_stage(test)["status"] == "passed"
    assert "uploaded for this test stood in" in tls_stage(test)["detail"]
