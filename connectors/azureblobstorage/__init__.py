"""Azure Blob Storage (AzureBlobStorage) linked services: a copy's source, sink or staging store.

One shape, no ``version`` property (ADF writes none): the authentication is told by the
properties present (account key, SAS URI, service principal, managed identities,
anonymous), each with its rule in the JSON Schema. No connection test: the account is not
reachable from here, and ADF checks it when the copy runs.
"""

from pathlib import Path

from connectors.azureblobstorage.secret_target import azureblobstorage_secret_target
from connectors.base import Connector
from connectors.storage_accounts import UNTESTED_BECAUSE, VERSION, only_version

TYPE = "AzureBlobStorage"

CONNECTOR = Connector(
    type=TYPE,
    title="Azure Blob Storage",
    summary=(
        "Blobs in an Azure Storage account: a Copy activity's source or sink, and the "
        "staging store of a staged copy (Spark to a dedicated SQL pool)."
    ),
    category="Azure / Storage",
    keywords=("blob", "storage", "wasb", "staging", "azurestorage", "container"),
    default_version=VERSION,
    secret_target=azureblobstorage_secret_target,
    staging_store=True,
    untested_because=UNTESTED_BECAUSE,
    versions=only_version(TYPE, Path(__file__).parent),
)
