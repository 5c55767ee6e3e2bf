"""Querysets built and compiled to SQL once per process, then run with new values.

A public page runs the same few queries all day with different values: a slug, the
current time. Building such a queryset and compiling it to SQL costs Python more
than PostgreSQL spends answering it. A `CompiledQuery` is still written with the
ORM, so the visibility gate (`Article.objects.published()`) and every index-friendly
filter stay where they are; a `Param` marks where a request's value goes. The SQL is
compiled once per database and reused; with server-side binding PostgreSQL keeps the
plan too (see DATABASES in settings).

It repeats what Django's ModelIterable does with a row; tests/reader/test_compiled.py pins
its instances equal to the ORM's, field for field and annotation for annotation.
"""

from collections.abc import Callable

from django.db import connections, router
from django.db.models import Expression, Field, Model, QuerySet


class Param(Expression):
    """A value supplied when a CompiledQuery runs, adapted as `output_field` adapts it."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", (self,)

    def bind(self, values: dict, connection):
        return self.output_field.get_db_prep_value(values[self.name], connection)


class Compiled:
    """One queryset's SQL on one database, and how its rows become model instances
    (what Django's ModelIterable does, minus compiling the query again)."""

    def __init__(self, queryset: QuerySet, alias: str):
        compiler = queryset.query.get_compiler(using=alias)
        self.sql, self.params = compiler.as_sql()
        self.model = compiler.klass_info["model"]
        # How instances load deferred fields and relations (Django 6.1), as the
        # queryset's own iterator passes it.
        self.fetch_mode = queryset._fetch_mode
        fields = compiler.klass_info["select_fields"]
        self.model_columns = slice(fields[0], fields[-1] + 1)
        columns = [column for column, _, _ in compiler.select]
        self.attnames = [column.target.attname for column in columns[self.model_columns]]
        self.annotations = list(compiler.annotation_col_map.items())
        ops, connection = compiler.connection.ops, compiler.connection
        self.converters = [
            (position, converters, column)
            for position, column in enumerate(columns)
            if (converters := ops.get_db_converters(column) + column.get_db_converters(connection))
        ]

    def run(self, alias: str, values: dict) -> list[Model]:
        connection = connections[alias]
        params = [p.bind(values, connection) if isinstance(p, Param) else p for p in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        instances = []
        for row in map(list, rows):
            for position, functions, column in self.converters:
                for convert in functions:
                    row[position] = convert(row[position], column, connection)
            instance = self.model.from_db(
                alias, self.attnames, row[self.model_columns], fetch_mode=self.fetch_mode
            )
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


class CompiledQuery:
    """The queryset `build()` returns, compiled on first use per database; calling it
    with the Params' values returns the model instances."""

    def __init__(self, model: type[Model], build: Callable[[], QuerySet]):
        self.model = model
        self.build = build
        self.compiled: dict[str, Compiled] = {}

    def __call__(self, **values) -> list[Model]:
        alias = router.db_for_read(self.model)
        if (compiled := self.compiled.get(alias)) is None:
            compiled = self.compiled[alias] = Compiled(self.build(), alias)
        return compiled.run(alias, values)
