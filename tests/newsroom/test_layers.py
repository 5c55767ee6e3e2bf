"""The house's arrows are checked by a tool (pyproject.toml, [tool.importlinter]):
the real tree keeps every contract, and a wrong arrow, added on purpose to a copy,
breaks one."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": ""},
        capture_output=True,
        text=True,
    )


@pytest.fixture
def tree_copy(tmp_path):
    """The apps' Python files and the contracts, copied where a test may break them."""
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_contract(tree_copy):
    result = lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    "module, wrong_import, contract",
    [
        ("articles/content.py", "import editorial.history", "layered"),
        ("editorial/publishing.py", "import pagecache.purges", "layered"),
        ("ingest/bulk.py", "import summaries.evaluation", "never import each other"),
        ("pagecache/caching.py", "import reader.views", "URL configuration only"),
        ("desk/presence.py", "import desk.admin", "No circle"),
        ("api/queries.py", "import reader.views", "never import each other"),
        ("api/queries.py", "import editorial.publishing", "not the rules of change"),
        ("pagecache/caching.py", "import api.views", "URL configuration only"),
        ("accounts/policy.py", "import desk.admin", "layered"),
    ],
)
def test_a_wrong_arrow_breaks_a_contract(tree_copy, module, wrong_import, contract):
    path = tree_copy / module
    path.write_text(path.read_text() + f"\n{wrong_import}  # the wrong arrow\n")
    result = lint_imports(tree_copy)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(contract in line for line in broken), result.stdout
