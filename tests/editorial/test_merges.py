"""The three-way merge a stale save goes through (editorial.merges)."""

from editorial.merges import conflicting_field, merge

FIELDS = ["headline", "standfirst", "body", "tags"]
BASE = {"headline": "Old", "standfirst": "Old dek", "body": "<p>Old body</p>", "tags": [1, 2]}


def test_each_side_keeps_the_fields_only_it_changed():
    mine = BASE | {"body": "<p>New body</p>"}
    theirs = BASE | {"standfirst": "New dek", "tags": [2, 3]}
    outcome = merge(BASE, mine, theirs, FIELDS)
    assert (outcome.mine, outcome.theirs, outcome.conflicts) == (
        ["body"],
        ["standfirst", "tags"],
        [],
    )
    assert outcome.clean


def test_only_a_field_both_changed_differently_conflicts():
    mine = BASE | {"headline": "Mine", "standfirst": "Same new dek"}
    theirs = BASE | {"headline": "Theirs", "standfirst": "Same new dek"}
    outcome = merge(BASE, mine, theirs, FIELDS)
    assert outcome.conflicts == ["headline"]
    assert not outcome.clean


def test_values_compare_as_stored():
    """Re-serialized HTML, tag order and line endings are not changes."""
    mine = BASE | {"body": "<p>Old body</p>\n", "tags": [2, 1], "standfirst": "Old dek\r\n"}
    theirs = BASE | {"headline": "Theirs"}
    outcome = merge(BASE, mine, theirs, FIELDS)
    assert (outcome.mine, outcome.theirs, outcome.conflicts) == ([], ["headline"], [])


def test_without_a_base_every_difference_is_a_conflict():
    mine = BASE | {"body": "<p>New body</p>"}
    theirs = BASE | {"standfirst": "New dek"}
    assert merge(None, mine, theirs, FIELDS).conflicts == ["standfirst", "body"]
    partial = {"headline": "Old"}
    assert merge(partial, mine, theirs, FIELDS).conflicts == ["standfirst", "body"]


def test_a_conflict_reads_as_text_with_a_word_diff():
    field = conflicting_field("body", "Body", "<p>Boats <b>return</b></p>", "<p>Boats leave</p>")
    assert (field.theirs, field.mine) == ("Boats leave", "Boats return")
    assert [(p.kind, p.text) for p in field.pieces] == [
        ("same", "Boats "),
        ("removed", "leave"),
        ("added", "return"),
    ]
