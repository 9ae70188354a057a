"""A notice records when its email went out. The notices made before were emailed at once, when they were
made (or not at all, without a trace): they count as emailed, so the nightly run never sends them again."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rollup", "0005_pending_refresh"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="emailed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="emailed at"),
        ),
        migrations.RunSQL("UPDATE rollup_notice SET emailed_at = created_at", migrations.RunSQL.noop),
    ]
