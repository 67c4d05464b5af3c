"""WSGI entry point for gunicorn and other servers."""

import os

from django.core.wsgi import get_wsgi_application

from soma.core.file_modes import use_private_umask

use_private_umask()  # files the server writes (uploads, SQLite's -wal and -shm) are for its own user only
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soma.settings")
application = get_wsgi_application()
