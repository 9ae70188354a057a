"""Links to public tables lose their database constraint (see shared.core.public_references). Django alters
no SQL for a many-to-many field's db_constraint, so the constraints are dropped by what they reference."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from shared.core.public_references import drop_constraints_into_public_sql


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_casetransition_actor_name'),
        ('catalogues', '0002_seed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='created_by',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='department',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalogues.department', verbose_name='department'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='topic',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalogues.topic', verbose_name='topic'),
                ),
                migrations.AlterField(
                    model_name='casetransition',
                    name='actor',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
            ],
            database_operations=[
                migrations.RunSQL(drop_constraints_into_public_sql("cases_case", "cases_casetransition"), migrations.RunSQL.noop)
            ],
        ),
    ]
