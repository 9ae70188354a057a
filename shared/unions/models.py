from django.conf import settings
from django.db import connection, models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

DEFAULT_EVENT_RECORD_DAYS = 7  # a held event's record is complete within a week unless the union says otherwise


class UnionLevel(models.TextChoices):
    PROVINCE = "province", _("Province union")
    CITY = "city", _("City union")
    COUNTY = "county", _("County union")


class Union(TenantMixin):
    """A trade union (工会); each one is a tenant with its own PostgreSQL schema named after its code.

    The registry is a tree: province → cities → counties (a city may also stand alone, without a province).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=UnionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent union"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region_code = models.CharField(_("region code"), max_length=6)
    created_at = models.DateTimeField(auto_now_add=True)
    # An archived union keeps its data but is refused at its hosts and is left out of its city's figures
    # from this day's year on (see unions.archiving).
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    # Days a held event's record (attendance, enterprises, summary, every case past "raised") has to be
    # complete in, for this union alone (an operator's exception, set_event_record_days CODE DAYS); empty
    # means the days its parent set for its level (record_days_below), or else DEFAULT_EVENT_RECORD_DAYS.
    event_record_days = models.PositiveSmallIntegerField(
        _("days to complete an event's record"),
        null=True,
        blank=True,
        help_text=_("Empty means 7 days."),
    )
    # Set by a city (or a province) for the level below it: the days its counties (its cities) have to
    # complete a held event's record in; empty means DEFAULT_EVENT_RECORD_DAYS. See `record_days`.
    record_days_below = models.PositiveSmallIntegerField(
        _("days to complete an event's record, for the unions below"), null=True, blank=True
    )
    # A referred case this many days past its deadline is escalated to the union's administrators.
    escalation_days = models.PositiveSmallIntegerField(_("days overdue before escalation"), default=3)

    # Schemas are created by unions.services.union_create, inside its transaction.
    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["region_code", "code"]
        # django-tenants checks a new schema name case-insensitively (schema_name__iexact) on every creation:
        # without this index that is a scan of every union, the one step of a creation that grew with them.
        indexes = [models.Index(Upper("schema_name"), name="union_schema_name_upper_idx")]
        verbose_name = _("union")
        verbose_name_plural = _("unions")

    def __str__(self) -> str:
        return self.name

    @property
    def record_days(self) -> int:
        """Days a held event of this union has to complete its record in: the one rule that the stats, the
        roll-up, the home page, the assessment's timeliness item and the city's dashboard all use. The
        union's own exception if an operator set one, else what its parent set for its level, else 7 days
        (so a union created later under that parent has its level's days from the start)."""
        if self.event_record_days is not None:
            return self.event_record_days
        return self.parent.level_record_days if self.parent_id is not None else DEFAULT_EVENT_RECORD_DAYS

    @property
    def level_record_days(self) -> int:
        """The days this union (a city or a province) gives the unions below it."""
        return self.record_days_below if self.record_days_below is not None else DEFAULT_EVENT_RECORD_DAYS

    @property
    def is_city(self) -> bool:
        return self.level == UnionLevel.CITY

    @property
    def is_province(self) -> bool:
        return self.level == UnionLevel.PROVINCE

    @property
    def oversees(self) -> bool:
        """A city or a province: it watches the unions below it through the roll-up."""
        return self.level in (UnionLevel.CITY, UnionLevel.PROVINCE)

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Create the union's schema: rename a spare made ahead from the template, or replay the template's
        captured SQL (see unions.provisioning); without a replayable template, django-tenants' own way (clone,
        or run every migration)."""
        from django_tenants.utils import schema_exists

        from .provisioning import schema_ddl_lock, schema_replay, spare_schema_claim, template_snapshot_sql

        template = settings.TENANT_BASE_SCHEMA
        if sync_schema and settings.TENANT_CREATION_FAKES_MIGRATIONS and schema_exists(template):
            if check_if_exists and schema_exists(self.schema_name):
                return False
            sql = template_snapshot_sql(template=template)
            if sql is not None and spare_schema_claim(schema_name=self.schema_name, template=template):
                connection.set_schema_to_public()
                return True
            schema_ddl_lock()
            if sql is not None:
                schema_replay(schema_name=self.schema_name, sql=sql)
                connection.set_schema_to_public()
                return True
        return super().create_schema(check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity)

    def city(self) -> "Union":
        """The city union this union answers to (itself for a city; a province answers to no city, so itself)."""
        return self.parent if self.level == UnionLevel.COUNTY else self


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class TemplateSnapshot(models.Model):
    """The template schema as SQL, captured whenever it is migrated and replayed to create a union's schema.

    ``digest`` fingerprints the template's migration records at capture time, so a capture that no longer
    matches the template is never replayed.
    """

    schema = models.CharField(max_length=63, unique=True)
    digest = models.CharField(max_length=32)
    sql = models.TextField()
    captured_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.schema} ({self.digest})"
