"""The search table (SearchEntry, SearchPlace) and, on PostgreSQL, a stored tsvector column in place of expression indexes.

Filled from the services already stored, so an existing directory is searchable at once after migrating.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_FORWARD = [
    "ALTER TABLE directory_servicetext ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', body) || to_tsvector('simple', body)) STORED",
    "CREATE INDEX IF NOT EXISTS directory_servicetext_vector ON directory_servicetext USING GIN (search_vector)",
    "DROP INDEX IF EXISTS directory_servicetext_english",
    "DROP INDEX IF EXISTS directory_servicetext_simple",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS directory_servicetext_english ON directory_servicetext "
    "USING GIN (to_tsvector('english', body))",
    "CREATE INDEX IF NOT EXISTS directory_servicetext_simple ON directory_servicetext "
    "USING GIN (to_tsvector('simple', body))",
    "DROP INDEX IF EXISTS directory_servicetext_vector",
    "ALTER TABLE directory_servicetext DROP COLUMN IF EXISTS search_vector",
]


def vector_forward(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001 - migration signature
    """Adds the stored tsvector column and its index on PostgreSQL."""
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def vector_backward(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001 - migration signature
    """Puts the expression indexes back on PostgreSQL."""
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql)


def fill(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001 - migration signature
    """Builds the search rows of the services already stored (the same code as `upstream directory reindex`)."""
    service = apps.get_model("directory", "Service")
    ids = list(service.objects.values_list("id", flat=True))
    if ids:
        from upstream.directory.services import refresh_services_index

        refresh_services_index(service_ids=ids)


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_service_opening_rules")]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("active", models.BooleanField(default=True)),
                ("name", models.TextField()),
                ("filter_tokens", models.TextField(blank=True)),
                ("minimum_age", models.FloatField(blank=True, null=True)),
                ("maximum_age", models.FloatField(blank=True, null=True)),
                ("eligibility_sex", models.CharField(blank=True, max_length=10)),
                ("is_free", models.BooleanField(default=False)),
                ("open_on_bank_holidays", models.BooleanField(default=False)),
                ("week", models.CharField(max_length=168)),
                ("latitude", models.FloatField(blank=True, null=True)),
                ("longitude", models.FloatField(blank=True, null=True)),
                ("x", models.FloatField(blank=True, null=True)),
                ("y", models.FloatField(blank=True, null=True)),
                ("z", models.FloatField(blank=True, null=True)),
                ("more_places", models.BooleanField(default=False)),
                (
                    "service",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="directory.service"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["latitude", "longitude"], name="directory_searchentry_point")],
            },
        ),
        migrations.CreateModel(
            name="SearchPlace",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("latitude", models.FloatField()),
                ("longitude", models.FloatField()),
                ("x", models.FloatField()),
                ("y", models.FloatField()),
                ("z", models.FloatField()),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="places", to="directory.searchentry"
                    ),
                ),
            ],
        ),
        migrations.RunPython(vector_forward, vector_backward),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
