"""Settings for every environment, read from the environment in this one place (django-environ).

Importing this module starts nothing and opens no connection. DATABASE_URL and CELERY_BROKER_URL are
required: in development and tests ``manage.py`` and ``deploy/dev.py`` (``make demo``, ``make test``) start
the embedded PostgreSQL and Redis of ``deploy/embedded.py`` and pass their URLs in; without them this stops
with one line saying how to get them. Production sets DJANGO_ENV=production and the variables listed in the
README; ``manage.py check --deploy`` then reports no issues.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")  # development | test | production
PRODUCTION = DJANGO_ENV == "production"
if PRODUCTION:
    from config.production_env import require_production_environment

    require_production_environment(os.environ)  # a missing or wrong variable stops start-up with one line


def _required_url(name: str) -> str:
    """A server's URL from the environment. Settings start nothing: outside production `manage.py` and
    `deploy/dev.py` start the embedded servers first and pass their URLs in."""
    if name not in env:
        if PRODUCTION:
            raise environ.ImproperlyConfigured(f"{name} must be set in production")
        raise environ.ImproperlyConfigured(
            f"{name} is not set: run `make demo` / `make test`, or `eval $(.venv/bin/python deploy/dev.py env)` first"
        )
    return env.str(name)


if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    # A fixed key is fine where nothing is real; production refuses to start without SECRET_KEY.
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-7c9f0a6d1e2b4c8a9f3d5e6b7a8c9d0e1f2a3b4c")
DEBUG = env.bool("DEBUG", default=not PRODUCTION)

# Every union is served on <code>.<UNION_BASE_DOMAIN>; the bare base domain serves the public site.
UNION_BASE_DOMAIN = env.str("UNION_BASE_DOMAIN", default="localhost")
# How links in emails and command output reach a union's host (the pages build them from the request).
SITE_SCHEME = env.str("SITE_SCHEME", default="https" if PRODUCTION else "http")
SITE_PORT = env.str("SITE_PORT", default="" if PRODUCTION else env.str("PORT", default="8000"))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[UNION_BASE_DOMAIN, f".{UNION_BASE_DOMAIN}", "testserver"])

# --- Apps ---------------------------------------------------------------------------------------
SHARED_APPS = [
    # Our apps come first so that their management commands (migrate_schemas) win over
    # django-tenants' own.
    "shared.unions",
    "django_tenants",
    "shared.accounts",
    "shared.catalogues",
    "auditlog",  # also a tenant app: each union's log lives in its own schema
    "shared.audit",
    "oversight.rollup",  # city oversight: per-union yearly roll-up, quota rules, notices
    "oversight.assessment",
    "oversight.backup",  # backup_union / restore_union (no tables)
    "oversight.campaigns",  # 专项行动: public tables the participants write through the services
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by the app itself: no internet needed
    "django_filters",
    "axes",  # login lockout per account and address (public schema)
    "demo",  # demo data (load_demo); refuses to run in production
    "web",  # server-rendered pages: templates, static files and template tags load on every host
]
TENANT_APPS = [
    # Per-union apps (one PostgreSQL schema per union).
    "django.contrib.contenttypes",
    "auditlog",
    "shared.audit",  # gives the union's log entries a 64-bit key (its migration)
    "tenants.enterprises",
    "tenants.events",
    "tenants.cases",
    "tenants.planning",
    "tenants.stats",
    "tenants.liaisons",
    "tenants.attachments",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "unions.Union"
TENANT_DOMAIN_MODEL = "unions.Domain"
# New unions are cloned from this migrated template schema instead of running every migration.
TENANT_BASE_SCHEMA = "union_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Spare schemas made ahead from the template (a Celery task tops them up after each union is created; also
# `manage.py spare_schemas`): creating a union renames one instead of replaying the template. 0 turns it off.
UNION_SPARE_SCHEMAS = env.int("UNION_SPARE_SCHEMAS", default=3 if PRODUCTION else 0)
# Set search_path once per request (when the union is chosen), not before every query. django-tenants forgets
# the value after a rollback or a savepoint rollback, which undo a SET (tests/shared/unions/test_hot_path.py).
TENANT_LIMIT_SET_CALLS = True
# `migrate_schemas --executor multiprocessing`: worker processes and schemas handed to a worker at a time.
TENANT_MULTIPROCESSING_MAX_PROCESSES = env.int("TENANT_MULTIPROCESSING_MAX_PROCESSES", default=2)
TENANT_MULTIPROCESSING_CHUNKS = env.int("TENANT_MULTIPROCESSING_CHUNKS", default=10)
# The migrate command run in each union's schema renders the migrated state once per process, not per schema,
# and replays a structural migration's SQL collected in the first schema (shared/unions/tenant_migrate.py).
TENANT_BASE_MIGRATE_COMMAND = "shared.unions.tenant_migrate.Command"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"

MIDDLEWARE = [
    "config.logging.RequestLogMiddleware",  # one line per request, with the union's code
    "config.outage.DatabaseUnavailableMiddleware",  # database unreachable: 503 with Retry-After, not 500
    "shared.unions.middleware.UnionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "web.middleware.PageLocaleMiddleware",  # pages in Chinese unless English is chosen; the API follows Accept-Language
    "shared.unions.middleware.ArchivedUnionMiddleware",  # after the locale: its page speaks the user's language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "web.audit_middleware.AuditActorMiddleware",  # who made each change in this request (see shared.audit)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out login with web.lockout
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]
WSGI_APPLICATION = "config.wsgi.application"

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = _required_url("DATABASE_URL")
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
# django-tenants' backend with a table list that does not scan every union's tables (shared/core/postgresql_backend).
DATABASES["default"]["ENGINE"] = "shared.core.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if not PRODUCTION else 60)
# A kept connection is checked before a request reuses it, so one broken by a database restart is replaced
# instead of failing that request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "TEST_DATABASE_NAME" in env:
    # Lets several checkouts or agents run the suite against one server side by side.
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"  # 64-bit keys: ready for Citus sharding

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account/address before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

# --- Audit log (django-auditlog; shared.audit) ---------------------------------------------------
# The writes whose author, time and changes are kept. A log entry lands in the schema of the request's union
# (the public schema on the base domain and outside requests).
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "events.Event", "m2m_fields": {"departments", "enterprises", "invited_unions"}},
    "events.MediaReport",
    "attachments.Attachment",
    {"model": "campaigns.Campaign", "m2m_fields": {"participants"}},
    "campaigns.CampaignFigure",
    "campaigns.CampaignEvent",
    "enterprises.Enterprise",
    "catalogues.Topic",
    "catalogues.Department",
    "accounts.Membership",
    {"model": "accounts.Invitation", "exclude_fields": ["token_hash"]},
    "unions.Union",
    "assessment.AssessmentScheme",
    "assessment.Adjustment",
    {"model": "assessment.Publication", "exclude_fields": ["snapshot"]},
)
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Language and time --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production WhiteNoise serves straight from the app folders, with no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media"))
MEDIA_URL = "/media/"
# Uploads (photos and files of events and cases) and exports go through the default storage: the local
# MEDIA_ROOT, or an S3-compatible bucket through django-storages when MEDIA_S3_BUCKET is set. Either way
# they are served only by views that check who asks (no public media URL).
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Largest accepted photo or file (nginx lets bodies of up to 20 MB through).
ATTACHMENT_MAX_MB = env.int("ATTACHMENT_MAX_MB", default=10)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # OPTIONS is not answered (405) rather than described: the metadata class asked actions without a serializer
    # for one and answered 500 (found by make fuzz on POST city/assessment/publish/).
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["shared.accounts.permissions.IsUnionMember"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "shared.core.pagination.ListPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "shared.core.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "工情直通车 API",
    "DESCRIPTION": "County and city union work on the 工情直通车 programme. Every path is served on a union's host.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "EventStatusEnum": "tenants.events.models.EventStatus.choices",
        "CaseStatusEnum": "tenants.cases.models.CaseStatus.choices",
        "CaseSourceEnum": "tenants.cases.models.CaseSource.choices",
        "CaseKindEnum": "tenants.cases.models.CaseKind.choices",
        "SuggestionSourceEnum": "tenants.planning.models.SuggestionSource.choices",
        "HarmonyLevelEnum": "tenants.enterprises.models.HarmonyLevel.choices",
    },
}

# --- Celery (tenant-schemas-celery carries the schema with each task) ---------------------------
CELERY_BROKER_URL = _required_url("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
# make fuzz / make load give their own stack a queue of its own, so no other worker on the same Redis
# takes its tasks.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# A task whose worker process died (killed, out of memory) goes back to the queue instead of being
# acknowledged as failed; the tasks are idempotent, so running one again is safe.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # The roll-up converges to the truth even after a lost refresh message; then the reminders read it.
    "rollup-refresh-all": {"task": "rollup.refresh_all", "schedule": crontab(hour=1, minute=30)},
    "reminders-send": {"task": "rollup.send_reminders", "schedule": crontab(hour=7, minute=30)},
    # Refreshes that could not be enqueued while Redis was down (the outbox) reach the city a minute later.
    "rollup-drain-pending": {"task": "rollup.drain_pending", "schedule": crontab()},
    # No export stays "running" after its worker died, nor "pending" after its message was lost.
    "assessment-exports-reap": {"task": "assessment.exports_reap", "schedule": crontab(minute="*/5")},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / ".data" / "celerybeat-schedule")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_URL", default=CELERY_BROKER_URL.replace("redis+socket://", "unix://")),
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=DJANGO_ENV),
    }
}

# --- Mail ---------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if not PRODUCTION else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="gongqing@localhost")
INVITATION_DAYS = 7  # how long a link to join a union stays valid
# Department liaisons: how long a link to a department's page works, how many days before a deadline the
# liaison is reminded, and the channels that tell them (dotted paths of tenants.liaisons.notifiers.Notifier).
LIAISON_LINK_DAYS = env.int("LIAISON_LINK_DAYS", default=30)
LIAISON_REMINDER_DAYS_BEFORE = env.int("LIAISON_REMINDER_DAYS_BEFORE", default=2)
LIAISON_NOTIFIERS = env.list(
    "LIAISON_NOTIFIERS",
    default=["tenants.liaisons.notifiers.EmailNotifier", "tenants.liaisons.notifiers.LogTextNotifier"],
)

# --- Security (production) ----------------------------------------------------------------------
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# Monitoring (systemd, compose) asks gunicorn for /healthz over plain HTTP on loopback; nginx still redirects.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Client addresses, login lockout, QR intake limits ----------------------------------------
# X-Forwarded-For is believed only when the peer is one of these proxies (addresses or networks): nginx on
# the same host by default in production. Anyone else's X-Forwarded-For is ignored (web.client_ip).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"] if PRODUCTION else [])
AXES_CLIENT_IP_CALLABLE = "web.client_ip.client_ip"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one account from one address: no lockout of others
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "web.lockout.lockout_response"
AXES_VERBOSE = False
# Accepted QR submissions per event and 10 minutes: per device (signed cookie) and per client address; the
# address ceiling lets 300 workers behind one NAT or venue Wi-Fi submit at one event.
INTAKE_DEVICE_LIMIT = env.int("INTAKE_DEVICE_LIMIT", default=5)
INTAKE_ADDRESS_LIMIT = env.int("INTAKE_ADDRESS_LIMIT", default=600)
# Failed receipt look-ups (/r/: a wrong code or phone) per union and 10 minutes: per device and per client
# address. A worker who finds their case is never counted; guessing a code is stopped long before it pays.
RECEIPT_DEVICE_LIMIT = env.int("RECEIPT_DEVICE_LIMIT", default=10)
RECEIPT_ADDRESS_LIMIT = env.int("RECEIPT_ADDRESS_LIMIT", default=100)

# --- Logging: stdout (journald under systemd), the union's code on every line -------------------
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker's lines go through the same handler and format
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"union": {"()": "config.logging.UnionFilter"}},
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s [%(union)s] %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["union"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO" if PRODUCTION else "WARNING")},
}
