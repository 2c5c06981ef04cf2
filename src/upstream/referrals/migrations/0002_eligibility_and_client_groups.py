from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="client_groups",
            field=models.JSONField(blank=True, default=list, verbose_name="client groups"),
        ),
        migrations.AddField(
            model_name="referral",
            name="eligibility_override_reason",
            field=models.TextField(blank=True, verbose_name="why referred outside the eligibility"),
        ),
        migrations.AddField(
            model_name="referral",
            name="eligibility_problems",
            field=models.JSONField(blank=True, default=list, verbose_name="outside the eligibility"),
        ),
    ]
