import pytest
from django.db import transaction

from newsroom.routers import ReplicaRouter

pytestmark = pytest.mark.django_db(transaction=True)


def test_reads_go_to_the_replica_outside_transactions():
    assert ReplicaRouter().db_for_read(None) == "replica"


def test_reads_inside_a_transaction_stay_on_the_primary():
    with transaction.atomic():
        assert ReplicaRouter().db_for_read(None) == "default"


def test_writes_and_migrations_go_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica", "articles")
