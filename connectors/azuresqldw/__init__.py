"""Azure Synapse Analytics (AzureSqlDW) linked services: the dedicated SQL pool.

Two shapes, told apart by their properties (ADF writes no version for either): the legacy
connection string, and the recommended server/database/authenticationType properties.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectors.azuresqldw.secret_target import azuresqldw_secret_target
from connectors.azuresqldw.shape import LEGACY, RECOMMENDED, shape_of
from connectors.base import Connector, ConnectorVersion, DatasetType, TestOptions

if TYPE_CHECKING:
    from connectors.upgrade import UpgradePath

HERE = Path(__file__).parent
TYPE = "AzureSqlDW"


def test_connection(
    version: ConnectorVersion, type_properties: dict[str, Any], options: TestOptions
) -> dict[str, Any]:
    """The connection test (TDS); its client loads on the first test."""
    from connectors.azuresqldw.connection_test import test_connection as run

    return run(version, type_properties, options)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def load_upgrade() -> "UpgradePath":
    """Legacy shape -> recommended shape; its rules (and the upgrade engine) load on first use."""
    from connectors.azuresqldw.upgrade_rules import UPGRADE

    return UPGRADE


def transfer_plan(**arguments: Any) -> dict[str, Any]:
    """The Spark ↔ dedicated SQL pool transfer designer (see :mod:`.transfer`)."""
    from connectors.azuresqldw.transfer.inputs import plan_transfer

    return plan_transfer(**arguments)


CONNECTOR = Connector(
    type=TYPE,
    title="Azure Synapse Analytics",
    summary=(
        "A dedicated SQL pool of Azure Synapse Analytics (formerly Azure SQL Data "
        "Warehouse): Copy sink and source, and the Spark-to-SQL-pool transfer designer."
    ),
    category="Azure / Database",
    keywords=("synapse", "sql pool", "dedicated", "sqldw", "data warehouse", "azuresqldw"),
    default_version=RECOMMENDED,
    test_connection=test_connection,
    secret_target=azuresqldw_secret_target,
    shape_of=shape_of,
    load_upgrade=load_upgrade,
    transfer_plan=transfer_plan,
    datasets={
        "AzureSqlDWTable": DatasetType(
            type="AzureSqlDWTable",
            title="Dedicated SQL pool table",
            schema_path=HERE / "dataset-AzureSqlDWTable.schema.json",
            linked_service_type=TYPE,
        )
    },
    versions={
        RECOMMENDED: ConnectorVersion(
            connector_type=TYPE,
            version=RECOMMENDED,
            schema_path=HERE / "linkedservice-recommended.schema.json",
            ui_path=HERE / "ui-recommended.json",
            explicit=False,
        ),
        LEGACY: ConnectorVersion(
            connector_type=TYPE,
            version=LEGACY,
            schema_path=HERE / "linkedservice-legacy.schema.json",
            ui_path=HERE / "ui-legacy.json",
            explicit=False,
            support_note=(
                "This definition uses the legacy shape (a connection string). Convert it to "
                "the recommended shape (server, database, authentication type)."
            ),
            support_badge="legacy",
        ),
    },
)
