"""Links to public tables lose their database constraint (see shared.core.public_references). Django alters
no SQL for a many-to-many field's db_constraint, so the constraints are dropped by what they reference."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from shared.core.public_references import drop_constraints_into_public_sql


class Migration(migrations.Migration):

    dependencies = [
        ('catalogues', '0002_seed'),
        ('events', '0005_invited_unions_without_constraint'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='event',
                    name='created_by',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name='event',
                    name='departments',
                    field=models.ManyToManyField(blank=True, db_constraint=False, related_name='+', to='catalogues.department', verbose_name='partner departments'),
                ),
                migrations.AlterField(
                    model_name='event',
                    name='topic',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalogues.topic', verbose_name='topic'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(drop_constraints_into_public_sql("events_event", "events_event_departments"), migrations.RunSQL.noop)
            ],
        ),
    ]
