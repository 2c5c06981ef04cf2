"""The postcode lookup table (places.postcodes.Postcode), loaded by `upstream places import-postcodes`."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("places", "0003_analysis_runs_priority_sets")]

    operations = [
        migrations.CreateModel(
            name="Postcode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("postcode", models.CharField(max_length=8, unique=True, verbose_name="postcode")),
                ("latitude", models.FloatField()),
                ("longitude", models.FloatField()),
                ("lsoa_code", models.CharField(blank=True, max_length=9)),
                ("ward_code", models.CharField(blank=True, max_length=9)),
                ("local_authority_code", models.CharField(blank=True, max_length=9)),
                ("police_force_code", models.CharField(blank=True, max_length=9)),
                ("terminated", models.BooleanField(default=False)),
                ("source", models.CharField(max_length=20)),
            ],
        ),
    ]
