from django.db import migrations


def create_triggers(apps, schema_editor):
    from upstream.core import audit_triggers

    audit_triggers.create(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from upstream.core import audit_triggers

    audit_triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
