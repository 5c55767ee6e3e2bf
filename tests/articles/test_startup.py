"""What loading the models costs: the heavy image and network code loads on use only."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

LOAD_MODELS = """
import json, sys
import django
django.setup()
import articles.models
print(json.dumps(sorted(sys.modules)))
"""


def test_loading_the_models_loads_no_pillow_urllib_or_fetcher():
    # A fresh interpreter: this test process has long since imported everything.
    out = subprocess.run(
        [sys.executable, "-c", LOAD_MODELS],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    loaded = set(json.loads(out.splitlines()[-1]))
    assert "articles.models" in loaded
    assert "articles.images" in loaded  # the cheap part: the model field and display
    unwanted = {"PIL", "urllib.request", "ingest.fetch"}
    unwanted |= {"articles.images.uploads", "articles.images.renditions"}
    assert loaded & unwanted == set()
