"""Uploads in S3-compatible object storage, configured from the environment, so every
app server reads what any of them stored (README, Deployment)."""

import json
import os
import subprocess
import sys

from django.conf import settings

READ_STORAGE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "bucket": storage.bucket_name,
    "endpoint": storage.endpoint_url,
    "url": storage.url("lead-images/harbour.jpg"),
    "acl": storage.default_acl,
    "overwrite": storage.file_overwrite,
}))
"""


def read_storage(**environ) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", READ_STORAGE],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **environ},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.splitlines()[-1])


def test_uploads_go_to_the_bucket_the_environment_names():
    found = read_storage(
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.net",
        AWS_S3_CUSTOM_DOMAIN="media.example.net",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert found == {
        "backend": "storages.backends.s3.S3Storage",
        "bucket": "newsroom-media",
        "endpoint": "https://objects.example.net",
        "url": "https://media.example.net/lead-images/harbour.jpg",
        "acl": None,  # the bucket's policy decides who reads
        "overwrite": False,  # two uploads of one name never replace each other
    }


def test_without_a_bucket_uploads_stay_on_the_file_system():
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.STORAGES['default']['BACKEND'])",
        ],  # fmt: skip
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "AWS_STORAGE_BUCKET_NAME": "",
        },  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert found.strip() == "django.core.files.storage.FileSystemStorage"
