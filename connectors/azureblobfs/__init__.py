"""Azure Data Lake Storage Gen2 (AzureBlobFS) linked services: a copy's source, sink or
staging store.

One shape, no ``version`` property (ADF writes none): the authentication is told by the
properties present (account key, SAS URI, service principal, managed identities), each
with its rule in the JSON Schema. No connection test: the account is not reachable from
here, and ADF checks it when the copy runs.
"""

from pathlib import Path

from connectors.azureblobfs.secret_target import azureblobfs_secret_target
from connectors.base import Connector
from connectors.storage_accounts import UNTESTED_BECAUSE, VERSION, only_version

TYPE = "AzureBlobFS"

CONNECTOR = Connector(
    type=TYPE,
    title="Azure Data Lake Storage Gen2",
    summary=(
        "Files in an Azure Data Lake Storage Gen2 account (hierarchical namespace): a Copy "
        "activity's source or sink, and the staging store of a staged copy."
    ),
    category="Azure / Storage",
    keywords=("adls", "gen2", "data lake", "dfs", "abfss", "storage", "staging"),
    default_version=VERSION,
    secret_target=azureblobfs_secret_target,
    staging_store=True,
    untested_because=UNTESTED_BECAUSE,
    versions=only_version(TYPE, Path(__file__).parent),
)
