from django.db import migrations, models

# Django alters no SQL when db_constraint changes on a many-to-many field (its through table is not altered),
# so the foreign key from the invitations into public.unions_union is dropped here by hand, found by what it
# references rather than by its generated name. See Event.invited_unions for why it goes.
DROP_CONSTRAINT = """
SET CONSTRAINTS ALL IMMEDIATE;  -- a union created in this transaction leaves checks pending on unions_union
DO $$
DECLARE name text;
BEGIN
    FOR name IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'events_event_invited_unions'::regclass AND contype = 'f'
          AND confrelid = 'public.unions_union'::regclass
    LOOP
        EXECUTE format('ALTER TABLE events_event_invited_unions DROP CONSTRAINT %I', name);
    END LOOP;
END $$;
SET CONSTRAINTS ALL DEFERRED;  -- back to Django's default for the rest of the transaction
"""


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_remove_unused_event_attachment"),
        ("unions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="invited_unions",
                    field=models.ManyToManyField(
                        blank=True,
                        db_constraint=False,
                        related_name="+",
                        to="unions.union",
                        verbose_name="invited unions",
                    ),
                ),
            ],
            database_operations=[migrations.RunSQL(DROP_CONSTRAINT, reverse_sql=migrations.RunSQL.noop)],
        ),
    ]
