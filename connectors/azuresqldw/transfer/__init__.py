"""The Spark ↔ dedicated SQL pool transfer designer (see :mod:`.design`)."""

from connectors.azuresqldw.transfer.design import (
    COPY,
    NOTEBOOK,
    READ,
    WRITE,
    KeyVaultSecret,
    TransferPlan,
    TransferRequest,
    design,
)

__all__ = [
    "COPY",
    "NOTEBOOK",
    "READ",
    "WRITE",
    "KeyVaultSecret",
    "TransferPlan",
    "TransferRequest",
    "design",
]
