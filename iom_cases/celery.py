"""The Celery application. With no REDIS_URL, tasks run eagerly in the calling process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom_cases.settings")

app = Celery("iom_cases")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
