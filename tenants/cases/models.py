from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Links to public tables (accounts, topics, departments, unions) have no database constraint
# (db_constraint=False): see shared.core.public_references for why and what keeps them sound.


class CaseKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")  # 咨询
    REQUEST = "request", _("Request")  # 求决
    SUGGESTION = "suggestion", _("Suggestion")  # 意见建议
    DISPUTE = "dispute", _("Labour dispute")  # 劳动争议


class CaseSource(models.TextChoices):
    EVENT = "event", _("At an event")
    QR = "qr", _("QR code at an event")
    SURVEY = "survey", _("Survey")
    HOTLINE = "hotline", _("Hotline")


class CaseStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    SOLVED_ON_SITE = "solved_on_site", _("Solved on site")
    REFERRED = "referred", _("Referred")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed with explanation")


FINISHED_STATUSES = (CaseStatus.SOLVED_ON_SITE, CaseStatus.RESOLVED, CaseStatus.CLOSED)


class Case(models.Model):
    """A problem or demand (问题/诉求) raised by a worker or an enterprise, followed to an outcome."""

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    source = models.CharField(_("source"), max_length=10, choices=CaseSource.choices, default=CaseSource.EVENT)
    kind = models.CharField(_("kind"), max_length=14, choices=CaseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The submitter's contact data is personal data: masked in lists, whole only for the union's staff.
    submitter_name = models.CharField(_("submitter"), max_length=100, blank=True)
    submitter_phone = models.CharField(_("submitter phone"), max_length=30, blank=True)
    # Given to a worker who submits by QR or leaves a phone number, to follow the case without an account.
    receipt_code = models.CharField(_("receipt code"), max_length=8, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    topic = models.ForeignKey(
        "catalogues.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    department = models.ForeignKey(
        "catalogues.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RAISED)
    outcome = models.TextField(_("outcome"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    raised_on = models.DateField(_("raised on"))
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="case_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="referred") | Q(department__isnull=False, deadline__isnull=False),
                name="case_referred_has_department_and_deadline",
            ),
            models.UniqueConstraint(
                fields=["receipt_code"], condition=~Q(receipt_code=""), name="case_receipt_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["raised_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class CaseTransition(models.Model):
    """Every change of a case's status: who, when, from, to, note. Never edited, never deleted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # Who acted without an account (a department's liaison through their link), as named at the time.
    actor_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    # Done by the worker who raised the case, through the receipt code (/r/): no account, so no actor.
    by_submitter = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class DisputeDetail(models.Model):
    """The parties and money of a labour dispute (劳动争议) case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="dispute")
    applicants = models.TextField(_("applicants"))  # one name per line
    respondent = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("respondent enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    respondent_name = models.CharField(_("respondent"), max_length=200, blank=True)
    claimed_amount = models.DecimalField(_("claimed amount"), max_digits=12, decimal_places=2, default=0)
    agreed_amount = models.DecimalField(_("agreed amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(claimed_amount__gte=0), name="dispute_claim_non_negative"),
            models.CheckConstraint(
                condition=Q(agreed_amount__isnull=True) | Q(agreed_amount__gte=0), name="dispute_agreed_non_negative"
            ),
        ]
