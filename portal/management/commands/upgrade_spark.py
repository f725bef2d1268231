"""python manage.py upgrade_spark: kept as an alias of ``upgrade --connector Spark``."""

from __future__ import annotations

from portal.management.commands.upgrade import Command as UpgradeCommand


class Command(UpgradeCommand):
    help = "An alias of `manage.py upgrade --connector Spark` (kept for existing scripts)."
    connector = "Spark"
