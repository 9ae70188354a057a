"""Provisioning of unions: the registry row, its domain and its schema, all or nothing."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from shared.core.exceptions import ApplicationError, FieldErrors

from .models import Domain, Union, UnionLevel
from .provisioning import (  # noqa: F401 (SCHEMA_DDL_LOCK_KEY: where the lock's users look for it)
    SCHEMA_DDL_LOCK_KEY,
    schema_ddl_lock,
    spare_schemas,
    template_digest,
    template_snapshot_capture,
)
from .selectors import union_children

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
REGION_RE = re.compile(r"^[1-9]\d{5}$")
# A host name: dot-separated labels of letters, digits and inner hyphens.
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
RESERVED_CODES = {"public", "information_schema", settings.TENANT_BASE_SCHEMA}
logger = logging.getLogger(__name__)


def _validate_union(*, code: str, name: str, level: str, parent_code: str | None, region_code: str, domain: str):
    """The parent union (or None) if everything is valid; otherwise one ApplicationError with every field's
    reasons."""
    errors = FieldErrors()
    _check_code(code, errors)
    if not name.strip():
        errors.add("name", _("The name is required."))
    if level not in UnionLevel.values:
        errors.add("level", _("The level must be “province”, “city” or “county”."))
    if not REGION_RE.match(region_code):
        errors.add("region", _("A region code is six digits (行政区划代码), e.g. 330802."))
    elif level == UnionLevel.PROVINCE and not region_code.endswith("0000"):
        errors.add("region", _("A province's region code ends in 0000, e.g. 330000."))
    _check_domain(domain, errors)
    parent = _check_parent(parent_code, level=level, region_code=region_code, errors=errors)
    errors.raise_if_any(_("The union cannot be created."))
    return parent


def _check_code(code: str, errors: FieldErrors) -> None:
    if not CODE_RE.match(code) or code in RESERVED_CODES or code.startswith("pg_"):
        errors.add("code", _("Use 2–40 lower-case letters, digits or underscores, starting with a letter."))
    elif Union.objects.filter(code=code).exists() or schema_exists(code):
        errors.add("code", _("A union with code “%(code)s” already exists.") % {"code": code})


def _check_domain(domain: str, errors: FieldErrors) -> None:
    if not DOMAIN_RE.match(domain):
        errors.add("domain", _("“%(domain)s” is not a valid host name.") % {"domain": domain})
    elif Domain.objects.filter(domain=domain).exists():
        errors.add("domain", _("The domain “%(domain)s” is already in use.") % {"domain": domain})


# The tree: a county belongs to a city; a city stands alone or belongs to a province; a province stands alone.
PARENT_LEVEL = {UnionLevel.COUNTY: UnionLevel.CITY, UnionLevel.CITY: UnionLevel.PROVINCE}
# How many leading digits of the region code a union shares with its parent's (行政区划代码: 2 for the
# province, 4 for the city).
REGION_PREFIX = {UnionLevel.PROVINCE: 2, UnionLevel.CITY: 4}


def _parent_refusal(level: str) -> str:
    if level == UnionLevel.COUNTY:
        return _("A county union must belong to a city union.")
    if level == UnionLevel.CITY:
        return _("A city union belongs to a province union or to none.")
    return _("A province union has no parent union.")


def _check_parent(parent_code: str | None, *, level: str, region_code: str, errors: FieldErrors) -> Union | None:
    """County → city (required), city → province (optional), province → none; within the parent's region."""
    if not parent_code:
        if level == UnionLevel.COUNTY:
            errors.add("parent", _parent_refusal(level))
        return None
    parent = Union.objects.filter(code=parent_code).first()
    if parent is None:
        errors.add("parent", _("No union has the code “%(code)s”.") % {"code": parent_code})
    elif level not in UnionLevel.values:
        pass  # the level's own error says enough
    elif parent.level != PARENT_LEVEL.get(level):
        errors.add("parent", _parent_refusal(level))
    elif REGION_RE.match(region_code) and not _region_within(region_code, parent):
        errors.add(
            "region",
            _("Region %(region)s does not lie within the parent's region %(parent)s.")
            % {"region": region_code, "parent": parent.region_code},
        )
    return parent


def _region_within(region_code: str, parent: Union) -> bool:
    digits = REGION_PREFIX[parent.level]
    return region_code[:digits] == parent.region_code[:digits]


def union_create(
    *, code: str, name: str, level: str, region_code: str, domain: str, parent_code: str | None = None
) -> Union:
    """Create a union: its registry row, its domain and its schema (the template's SQL replayed).

    Everything happens in one transaction (PostgreSQL DDL is transactional), so a failure at any
    step leaves no row and no schema behind.
    """
    code, domain, region_code = code.strip().lower(), domain.strip().lower(), region_code.strip()
    parent = _validate_union(
        code=code, name=name, level=level, parent_code=parent_code, region_code=region_code, domain=domain
    )
    with transaction.atomic():
        # The schema comes from a spare when there is one (a rename: no DDL on public tables, so no lock).
        # Otherwise the template is replayed under the DDL lock, taken here, outside django-tenants' save,
        # which on any error deletes the union in what would be an aborted transaction. (Should another
        # creation take the last spare meanwhile, create_schema takes the lock itself.)
        if not spare_schemas(digest=template_digest(template=settings.TENANT_BASE_SCHEMA)):
            schema_ddl_lock()
        union = Union(
            schema_name=code, code=code, name=name.strip(), level=level, parent=parent, region_code=region_code
        )
        union.save(verbosity=0)
        Domain.objects.create(domain=domain, tenant=union, is_primary=True)
        if settings.UNION_SPARE_SCHEMAS:
            from .tasks import spare_schemas_fill_task

            transaction.on_commit(lambda: _enqueue_quietly(spare_schemas_fill_task))
    connection.set_schema_to_public()
    return union


def _enqueue_quietly(task) -> None:
    """A refill is an optimisation: with the broker down the union is created all the same."""
    try:
        task.apply_async(retry=False)
    except Exception:
        logger.warning("Could not enqueue the spare schemas' refill.", exc_info=True)


def union_template_migrate(*, verbosity: int = 0) -> None:
    """Create the template schema if needed and bring it up to date with every tenant migration.

    Runs each time migrations run (see the migrate_schemas command), so a union cloned later has
    every migration, including ones added after the template was first made.
    """
    template = settings.TENANT_BASE_SCHEMA
    if not schema_exists(template):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{template}"')
    call_command("migrate_schemas", tenant=True, schema_name=template, interactive=False, verbosity=verbosity)
    connection.set_schema(get_public_schema_name())
    # Keep the template as SQL: new unions' schemas are made by replaying it (see unions.provisioning).
    template_snapshot_capture(template=template)


def union_discard(*, union: Union) -> None:
    """Delete a throwaway union (children first), its public rows and its schema.

    Django's delete collector follows every relation to unions, including the tenant tables' links to
    them (e.g. events' invited unions), so it runs inside the union's own schema where those tables exist.
    """
    for child in union_children(union=union):
        union_discard(union=child)
    with transaction.atomic():
        schema_ddl_lock()
        with connection.cursor() as cursor:
            # Run the deferred foreign-key checks now: DROP SCHEMA cannot follow pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with schema_context(union.schema_name):
            Union.objects.filter(pk=union.pk).delete()
        if schema_exists(union.schema_name):
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA "{union.schema_name}" CASCADE')
    connection.set_schema_to_public()


MAX_EVENT_RECORD_DAYS = 90


def _check_days(days: int | None, *, maximum: int) -> None:
    """A number of record days: None (the default) or a whole number from 1 to `maximum`, else a field error."""
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= maximum):
        errors = FieldErrors()
        errors.add("days", _("Between 1 and %(max)d days.") % {"max": maximum})
        errors.raise_if_any()


def union_set_event_record_days(*, union: Union, days: int | None) -> Union:
    """The days a held event of `union` has to complete its record in (1 to 90); None: the default (7)."""
    _check_days(days, maximum=MAX_EVENT_RECORD_DAYS)
    union.event_record_days = days
    union.save(update_fields=["event_record_days"])
    return union


MAX_LEVEL_RECORD_DAYS = 60


def union_record_days_below_set(*, union: Union, days: int | None) -> Union:
    """The days a city (or a province) gives the unions directly below it to complete a held event's record:
    1 to 60; None: back to the default (7). A union below with its own exception keeps it (Union.record_days).
    Refreshing the figures that depend on it is oversight.rollup.record_days' job."""
    if not union.oversees:
        raise ApplicationError(
            _("Only a city or province union sets the days for the unions below it."), code="forbidden", status=403
        )
    _check_days(days, maximum=MAX_LEVEL_RECORD_DAYS)
    union.record_days_below = days
    union.save(update_fields=["record_days_below"])
    return union


def union_escalation_days_set(*, union: Union, days) -> Union:
    """How many days past its deadline a referred case is escalated to the union's administrators (1–90)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
        raise ApplicationError(
            _("Some fields are not valid."), fields={"escalation_days": [_("Enter a whole number from 1 to 90.")]}
        )
    union.escalation_days = days
    union.save(update_fields=["escalation_days"])
    return union
