"""WSGI entry point (gunicorn tonghu.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonghu.settings")
application = get_wsgi_application()
