"""Secrets: encrypted at rest, never in a page, an export or a log line; keys rotate."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from portal.models import Resource, Revision, SecretValue
from tests.conftest import SECRET, form_data
from tests.helpers import NEW_SPARK, url_of

pytestmark = pytest.mark.django_db


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_secret_never_reaches_a_page_an_export_or_a_log(editor_client: Client) -> None:
    capture = Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    bodies: list[bytes] = []
    try:

        def keep(response: Any) -> Any:
            bodies.append(response.getvalue())
            return response

        keep(editor_client.post(NEW_SPARK, form_data(**{"tp-port": "0"})))
        keep(
            editor_client.post(
                NEW_SPARK,
                form_data(),
                HTTP_HX_REQUEST="true",
                HTTP_HX_TARGET="form_fields",
            )
        )
        keep(
            editor_client.post(
                NEW_SPARK,
                form_data(),
                HTTP_HX_REQUEST="true",
                HTTP_HX_TARGET="code_view",
            )
        )
        keep(editor_client.post(NEW_SPARK, form_data()))
        base = url_of(Resource.objects.get()).rstrip("/")
        for url in (
            "/factories/default/",
            f"{base}/",
            f"{base}/edit/",
            f"{base}/export/",
            "/factories/default/export/",
            f"{base}/delete/",
        ):
            keep(editor_client.get(url))
        keep(
            editor_client.post(
                f"{base}/edit/",
                form_data(
                    name="SparkFromForm",
                    based_on="1",
                    **{"tp-port": "-1", "tp-password": "other-" + SECRET},
                ),
            )
        )
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
    assert len(bodies) == 11
    for body in bodies:
        assert SECRET.encode() not in body
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(bodies[8]))
    assert all(SECRET.encode() not in archive.read(n) for n in archive.namelist())
    assert capture.lines, "expected some log output"
    assert not [line for line in capture.lines if SECRET in line]


def test_secret_is_encrypted_at_rest(saved_service: Any) -> None:
    with connection.cursor() as cursor:
        for table in ("portal_resource", "portal_revision", "portal_secretvalue"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert SECRET not in repr(cursor.fetchall()), table
    assert SecretValue.objects.get().reveal() == SECRET


def test_development_keys_are_kept_out_of_git() -> None:
    import subprocess

    for generated in ("var/secret-keys", "var/django-secret-key", "var/db.sqlite3"):
        check = subprocess.run(
            ["git", "check-ignore", "-q", generated], cwd=settings.BASE_DIR, check=False
        )
        assert check.returncode == 0, f"{generated} is not ignored by git"


def test_rotate_secret_key_re_encrypts_every_secret(saved_service: Any) -> None:
    before = SecretValue.objects.get().ciphertext
    old_key = settings.SECRET_KEYS_FILE.read_text()
    call_command("rotate_secret_key", stdout=io.StringIO())
    secret = SecretValue.objects.get()
    assert secret.ciphertext != before
    assert settings.SECRET_KEYS_FILE.read_text() != old_key
    assert len(settings.SECRET_KEYS_FILE.read_text().split()) == 1
    assert secret.reveal() == SECRET


def test_rotate_with_environment_keys(saved_service: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import base64
    import os

    old = settings.SECRET_KEYS_FILE.read_text().strip()
    # A key may start with a dash (one in 64 does): --new-key=KEY takes it all the same.
    new = base64.urlsafe_b64encode(b"\xf8" + os.urandom(31)).decode()
    assert new.startswith("-")
    monkeypatch.setenv("LINKWRIGHT_SECRET_KEYS", old)
    out = io.StringIO()
    call_command("rotate_secret_key", f"--new-key={new}", stdout=out)
    assert f"LINKWRIGHT_SECRET_KEYS={new}" in out.getvalue()
    monkeypatch.setenv("LINKWRIGHT_SECRET_KEYS", new)
    assert SecretValue.objects.get().reveal() == SECRET


def test_rotating_the_key_seals_again_the_kept_files_that_hold_a_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cryptography.fernet import Fernet

    from portal.crypto import is_sealed
    from portal.models import Factory, RepositoryFile

    factory = Factory.objects.create(name="contoso")
    clear = b'{"p": {"type": "SecureString", "value": "' + SECRET.encode() + b'"}}'
    RepositoryFile.objects.create(factory=factory, path="sqlPool/K.json", data=clear)
    RepositoryFile.objects.create(factory=factory, path="README.md", data=b"# hello\n")

    def stored() -> dict[str, bytes]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT path, data FROM portal_repositoryfile")
            return {path: bytes(data) for path, data in cursor.fetchall()}

    before = stored()
    assert is_sealed(before["sqlPool/K.json"]) and before["README.md"] == b"# hello\n"
    old = settings.SECRET_KEYS_FILE.read_text().strip()
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("LINKWRIGHT_SECRET_KEYS", old)
    call_command("rotate_secret_key", f"--new-key={new}", stdout=io.StringIO())
    monkeypatch.setenv("LINKWRIGHT_SECRET_KEYS", new)  # the old key is gone
    after = stored()
    assert after["sqlPool/K.json"] != before["sqlPool/K.json"]
    assert after["README.md"] == b"# hello\n"
    kept = {f.path: bytes(f.data) for f in RepositoryFile.objects.all()}
    assert kept == {"sqlPool/K.json": clear, "README.md": b"# hello\n"}


def test_revisions_are_append_only(saved_service: Any) -> None:
    from portal.models import ImmutableError

    revision = Revision.objects.get()
    revision.comment = "rewritten"
    with pytest.raises(ImmutableError):
        revision.save()
    with pytest.raises(ImmutableError):
        revision.delete()
    with pytest.raises(ImmutableError):
        Revision.objects.filter(pk=revision.pk).update(comment="rewritten")
    with pytest.raises(ImmutableError):
        Revision.objects.all().delete()
    assert Revision.objects.get().comment == ""
