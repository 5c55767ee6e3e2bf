"""Read replicas: reads go to "replica", writes (and reads inside a transaction) to "default".

Enabled by DATABASE_REPLICA_URL. Inside a transaction on the primary, reads stay
there, so a view that writes and then reads sees its own write. Migrations run on
the primary only; the replica gets them through replication.
"""

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two connections to it

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS
