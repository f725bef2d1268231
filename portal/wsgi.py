import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from django.urls import get_resolver  # noqa: E402  (after the application: settings loaded)

from portal import start_up  # noqa: E402

_patterns = get_resolver().url_patterns  # every view module loaded before the freeze
start_up.settle()
