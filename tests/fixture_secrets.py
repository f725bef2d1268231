"""Every plaintext secret the tests type, import or send, in one place.

tests/test_secrets_at_rest.py writes definitions holding them through every route that
stores one, then looks for each of them in the SQLite database file and in a dump of the
PostgreSQL database, and finds none: a secret is kept only encrypted. A new secret in a
test belongs here.
"""

from __future__ import annotations

# Secret values of definitions (secure strings, SecureString parameter defaults).
SECRET = "pa55-Secret-Value-7f3a"
"""The password of conftest's SPARK_V2."""
OTHER_SECRET = "second-Secret-Value-91c2"
DOCUMENT_SECRET = "document-Secret-Value-5e1"
PARAM_SECRET = "parameter-Secret-Default-77"
BLOB_SECRET = "blob-Account-Key-93kd"
RECORDED_SECRET = "Rec0rded-Secret-77"
SQL_POOL_PASSWORD = "S3cret-ñ!"
UPGRADE_SECRET = "Tr0ub4dor-&-3-secret"
READY_SECRET = "ready-Secret-1"
V1_SECRET = "s3cret-V1"
STORED_SECRET = "stored-secret-1"
IMPORTED_SECRET = "hunter2"
CONNECTION_STRING_SECRET = "Password=k3y"
BROWSER_PARAM_SECRET = "Param-Browser-Secret-3c9"
BROWSER_SPARK_PASSWORD = "Br0wser-Secret-7d41"
WIZARD_PASSWORD = "wizard-Typed-Secret-42"

# Passwords of test users and servers (sign-in, the Spark Thrift Server, the key store).
LOGIN_PASSWORD = "correct-horse-battery-staple"
BROWSER_LOGIN_PASSWORD = "browser-test-login-9c2e"
PHONE_LOGIN_PASSWORD = "phone-layout-login-41d7"
SPARK_SERVER_PASSWORD = "correct-horse-battery"
KEYSTORE_PASSWORD = "linkwright-test"

ALL_SECRETS = tuple(
    value for name, value in sorted(globals().items()) if name.isupper() and isinstance(value, str)
)
