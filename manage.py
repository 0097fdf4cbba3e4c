#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # Unset means a server or a container: production settings, which refuse to start without
    # DJANGO_SECRET_KEY. Never dev's (debug on, a published key); scripts/start.sh and .ci/run
    # name the settings they want.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vivaseo_site.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
