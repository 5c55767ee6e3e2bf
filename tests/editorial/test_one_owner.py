"""No module outside editorial writes an article's state or its version.

Read from the source itself (the syntax tree of every module of the project), so a
new writer anywhere fails here: an assignment to `.status`, `.published_at`,
`.trashed_at` or `.version`, a `setattr()` of one of them, or one of them named in
a queryset's `update()`, `create()`, `update_or_create()`, `get_or_create()` or
`bulk_update()`. Migrations, which only shape tables, and the tests are left out.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
STATE = {"status", "published_at", "trashed_at", "version"}
WRITING_CALLS = {"update", "create", "update_or_create", "get_or_create", "bulk_update"}
SKIPPED_DIRS = {"editorial", "tests", "migrations", ".venv", "node_modules", "bench", "cluster"}
# The counter's own mechanism: the conditional save of every stored article.
ALLOWED = {("articles/models/versioned.py", "version")}


def project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not SKIPPED_DIRS.intersection(parts):
            yield path


def state_writes(tree: ast.AST):
    """(line, field) of every write of a state field the tree makes."""
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                if isinstance(element, ast.Attribute) and element.attr in STATE:
                    yield node.lineno, element.attr
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name == "setattr" and len(node.args) > 1:
            field = node.args[1]
            if isinstance(field, ast.Constant) and field.value in STATE:
                yield node.lineno, field.value
        if name in WRITING_CALLS:
            for keyword in node.keywords:
                if keyword.arg in STATE:
                    yield node.lineno, keyword.arg
            if name == "bulk_update":
                for arg in node.args[1:]:
                    for constant in ast.walk(arg):
                        if isinstance(constant, ast.Constant) and constant.value in STATE:
                            yield node.lineno, constant.value


def test_only_editorial_writes_an_articles_state_or_version():
    found = []
    for path in project_modules():
        relative = path.relative_to(ROOT).as_posix()
        for line, field in state_writes(ast.parse(path.read_text(), str(path))):
            if (relative, field) not in ALLOWED:
                found.append(f"{relative}:{line} writes {field}")
    assert found == []


def test_the_check_sees_each_kind_of_write():
    source = """
article.status = "published"
a.version, b = 3, 4
setattr(article, "trashed_at", None)
Article.objects.filter(pk=1).update(published_at=now)
Article.objects.bulk_update(articles, ["headline", "status"])
Article.objects.filter(status="draft")  # a read
"""
    assert sorted(state_writes(ast.parse(source))) == [
        (2, "status"),
        (3, "version"),
        (4, "trashed_at"),
        (5, "published_at"),
        (6, "status"),
    ]
