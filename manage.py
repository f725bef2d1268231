#!/usr/bin/env python
"""Django's command-line utility for Linkwright."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from portal import start_up

    start_up.pause()  # until the apps are ready (see portal.start_up)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
