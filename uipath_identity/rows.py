"""Model instances from hand-written SQL, for the few queries every SCIM request runs.

The ORM compiles a query anew each time it runs, and for the bearer token check and
a person read that compilation took longer than PostgreSQL took to run the query. Those
queries are written once per process with the columns of ModelColumns, and their
rows become instances with the same converters the ORM applies, so the instances
equal what a QuerySet would return.
"""

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


class ModelColumns:
    """A model's concrete columns under a table alias, and the way back from a row to an instance."""

    def __init__(self, model, alias, connection, *, generated=True):
        self.model = model
        # A generated column can be left out, and its attribute is then deferred, as with .defer().
        fields = [field for field in model._meta.concrete_fields if generated or not field.generated]
        quote = connection.ops.quote_name
        self.select_list = ", ".join(f"{alias}.{quote(field.column)}" for field in fields)
        self.attnames = [field.attname for field in fields]
        self.primary_key_index = self.attnames.index(model._meta.pk.attname)
        self.converters = []
        for index, field in enumerate(fields):
            field_converters = connection.ops.get_db_converters(field.get_col(alias)) + field.get_db_converters(connection)
            if field_converters:
                self.converters.append((index, field_converters))

    def __len__(self):
        return len(self.attnames)

    def instance(self, values, connection):
        """Return the model instance of this model's `values` of a row, or None when its primary key is NULL.

        A LEFT OUTER JOIN that matched nothing gives NULL in every column.
        """
        values = list(values)
        if values[self.primary_key_index] is None:
            return None
        for index, field_converters in self.converters:
            for converter in field_converters:
                values[index] = converter(values[index], None, connection)
        if self.model.__init__ is not Model.__init__ or pre_init.receivers or post_init.receivers:
            return self.model.from_db(connection.alias, self.attnames, values)
        # What from_db would build, without Model.__init__: its argument handling and
        # its pre_init and post_init signals, which nothing receives here, took about a
        # tenth of a SCIM lookup's CPU. Django's unpickling skips __init__ likewise.
        instance = self.model.__new__(self.model)
        instance.__dict__.update(zip(self.attnames, values))
        instance._state = ModelState()
        instance._state.adding = False
        instance._state.db = connection.alias
        return instance


def fetch_instances(connection, sql, params, columns):
    """Run `sql` and return, for each row, one instance (or None) per ModelColumns in `columns`.

    The SELECT list of `sql` must be the select lists of `columns`, in that order.
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    results = []
    for row in rows:
        instances, start = [], 0
        for model_columns in columns:
            instances.append(model_columns.instance(row[start : start + len(model_columns)], connection))
            start += len(model_columns)
        results.append(instances)
    return results

