"""Links to public tables lose their database constraint (see shared.core.public_references). Django alters
no SQL for a many-to-many field's db_constraint, so the constraints are dropped by what they reference."""

import django.db.models.deletion
from django.db import migrations, models

from shared.core.public_references import drop_constraints_into_public_sql


class Migration(migrations.Migration):

    dependencies = [
        ('catalogues', '0002_seed'),
        ('liaisons', '0002_message_delivery'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='liaison',
                    name='department',
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalogues.department', verbose_name='department'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(drop_constraints_into_public_sql("liaisons_liaison"), migrations.RunSQL.noop)
            ],
        ),
    ]
