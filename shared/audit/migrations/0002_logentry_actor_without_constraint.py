"""A union's log entries point at public accounts without a database constraint, like every link from a union's
tables into public tables (see shared.core.public_references). django-auditlog's model keeps its field as it
is; the constraint is dropped here, in each union's schema (a no-op in public, where the log's link to
accounts stays constrained). tests/deploy/test_citus.py fails should a later auditlog migration bring it back.
"""

from django.db import migrations

from shared.core.public_references import drop_constraints_into_public_sql


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_logentry_bigint_key")]

    operations = [migrations.RunSQL(drop_constraints_into_public_sql("auditlog_logentry"), migrations.RunSQL.noop)]
