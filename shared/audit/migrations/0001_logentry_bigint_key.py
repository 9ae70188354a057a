"""django-auditlog's log entries get a 64-bit key, like every table of ours (deploy/citus.md, "64-bit keys").

auditlog's own migrations give `auditlog_logentry.id` a 32-bit identity; each union's log lives in its schema,
which Citus distributes, and Citus takes identity columns in distributed tables only as bigint. Changing an
identity column's type changes its sequence's type with it. This app is both a shared and a tenant app, so
the change runs in public and in every union's schema.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE auditlog_logentry ALTER COLUMN id TYPE bigint",
            reverse_sql="ALTER TABLE auditlog_logentry ALTER COLUMN id TYPE integer",
        )
    ]
