"""Persons and employers (the registry), caller authentication and the access log (A1–A5)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infoline.accounts.validators import normalize_phone
from infoline.clients.choices import (
    ConsentKind,
    DataCategory,
    QuestionKind,
    Sex,
    VerificationStatus,
)
from infoline.lib.text import fold


class Person(models.Model):
    """A client: a citizen the hotline serves. Personal fields are gated (A1).

    ``identity_scheme`` names the code's scheme (e.g. ``LT:asmens_kodas``, see
    ``identity.SCHEMES``) and ``identity_code`` holds its compact form.
    """

    # The audit trail records that these changed, never their values (A1).
    AUDIT_REDACTED_FIELDS = (
        "identity_code",
        "birth_date",
        "sex",
        "email",
        "address",
        "postal_code",
        "eservice_login",
        "registered_on",
        "last_office",
        "flagged_at",
    )

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    identity_scheme = models.CharField(
        _("identity code type"), max_length=32, blank=True
    )
    identity_code = models.CharField(_("identity code"), max_length=32, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, blank=True
    )
    eservice_login = models.CharField(
        _("e-service login name"), max_length=150, blank=True
    )
    registered_on = models.DateField(
        _("registered with the service"), null=True, blank=True
    )
    last_office = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("office last visited"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Search keys: folded names (no case, no diacritics).
    last_name_key = models.CharField(max_length=100, editable=False)
    name_key = models.CharField(max_length=201, editable=False)
    flagged_at = models.DateTimeField(
        _("flagged for possible impersonation"), null=True, blank=True
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["identity_scheme", "identity_code"],
                condition=~Q(identity_code=""),
                name="unique_identity_code",
                violation_error_message=_(
                    "A person with this identity code is already in the registry; search for them."
                ),
            )
        ]
        indexes = [
            # Surname-prefix search in name order stops after the first page.
            # On PostgreSQL both keys use the "C" collation (migration 0005),
            # so this index serves the prefix range and the ORDER BY alike.
            models.Index(
                fields=["last_name_key", "name_key", "id"], name="person_name_order"
            ),
            models.Index(fields=["birth_date"], name="person_birth_date"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        from infoline.clients.identity import (
            IdentityError,
            check_consistency,
            parse_identity,
        )

        errors: dict[str, Any] = {}
        if self.identity_code and not self.identity_scheme:
            errors["identity_scheme"] = gettext("Choose which country's code this is.")
        elif self.identity_code:
            try:
                identity = parse_identity(self.identity_scheme, self.identity_code)
            except IdentityError as exc:
                errors["identity_code"] = gettext(exc.template) % exc.params
            else:
                self.identity_code = identity.value
                if self.birth_date is None and identity.birth_date is not None:
                    self.birth_date = identity.birth_date
                if not self.sex and identity.sex:
                    self.sex = identity.sex
                try:
                    check_consistency(
                        identity, birth_date=self.birth_date, sex=self.sex or None
                    )
                except IdentityError as exc:
                    errors["identity_code"] = gettext(exc.template) % exc.params
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.last_name_key = fold(self.last_name)
        self.name_key = fold(f"{self.first_name} {self.last_name}")
        super().save(*args, **kwargs)


class PersonPhone(models.Model):
    """A phone number on file, E.164; caller ID is looked up here (A5)."""

    AUDIT_REDACTED_FIELDS = ("number",)
    AUDIT_REDACT_REPR = True

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="phones",
    )
    number = models.CharField(_("number"), max_length=20, db_index=True)
    label = models.CharField(_("label"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "number"], name="unique_person_phone"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        try:
            self.number = normalize_phone(self.number)
        except ValidationError as exc:
            raise ValidationError({"number": exc}) from None


class Consent(models.Model):
    """A consent the person gave, with when and how; withdrawing keeps the record."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    kind = models.CharField(_("consent"), max_length=20, choices=ConsentKind.choices)
    given_at = models.DateTimeField(_("given"))
    source = models.CharField(_("how it was given"), max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["person", "kind", "-given_at"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.kind}"

    def clean(self) -> None:
        if self.withdrawn_at and self.given_at and self.withdrawn_at < self.given_at:
            raise ValidationError(
                {
                    "withdrawn_at": gettext(
                        "A consent cannot be withdrawn before it was given."
                    )
                }
            )

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Representative(models.Model):
    """A person authorised to act for another, within a scope and a period (A3)."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("represented person"),
        on_delete=models.CASCADE,
        related_name="representatives",
    )
    agent = models.ForeignKey(
        Person,
        verbose_name=_("representative"),
        on_delete=models.CASCADE,
        related_name="represents",
    )
    scope = models.JSONField(
        _("scope"),
        default=list,
        help_text=_("Data categories the representative may hear."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document = models.CharField(_("authorisation document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")

    def __str__(self) -> str:
        return f"{self.agent} → {self.person}"

    def clean(self) -> None:
        unknown = set(self.scope or []) - set(DataCategory.values)
        if unknown:
            raise ValidationError(
                {
                    "scope": gettext("Unknown data categories: %(c)s.")
                    % {"c": ", ".join(sorted(unknown))}
                }
            )
        if self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": gettext("The authorisation ends before it starts.")}
            )
        if self.person_id and self.person_id == self.agent_id:
            raise ValidationError(gettext("A person cannot represent themselves."))


class Employer(models.Model):
    """An employer with its registry code (e.g. LT:imones_kodas)."""

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    code_scheme = models.CharField(_("registry code type"), max_length=32)
    code = models.CharField(_("registry code"), max_length=32)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_scheme", "code"], name="unique_employer_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from infoline.clients.identity import (
            SCHEMES,
            IdentityError,
            IdentityKind,
            parse_identity,
        )

        errors: dict[str, Any] = {}
        scheme = SCHEMES.get(self.code_scheme)
        if scheme is None or scheme.kind != IdentityKind.COMPANY:
            errors["code_scheme"] = gettext("Choose a company registry code type.")
        else:
            try:
                self.code = parse_identity(self.code_scheme, self.code).value
            except IdentityError as exc:
                errors["code"] = gettext(exc.template) % exc.params
        try:
            self.phone = normalize_phone(self.phone)
        except ValidationError as exc:
            errors["phone"] = exc
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = fold(self.name)
        super().save(*args, **kwargs)


class EmployerContact(models.Model):
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("employer contact person")
        verbose_name_plural = _("employer contact persons")

    def __str__(self) -> str:
        return f"{self.name} ({self.employer})"


class AuthQuestion(models.Model):
    """A question of the bank agents ask to authenticate a caller (A2)."""

    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question as the agent asks it"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("authentication question")
        verbose_name_plural = _("authentication questions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class PersonAnswer(models.Model):
    """A person's answer to an agency-defined question; stored folded, never shown."""

    AUDIT_REDACTED_FIELDS = ("answer_key",)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        AuthQuestion, on_delete=models.CASCADE, related_name="+"
    )
    answer_key = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.question_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Compared with the caller's folded answer: case and diacritics never matter.
        self.answer_key = fold(self.answer_key.strip())
        super().save(*args, **kwargs)


class AuthPolicy(models.Model):
    """How many questions a line asks after the identity code (A2); no line = the default."""

    line = models.OneToOneField(
        "accounts.PublicLine",
        verbose_name=_("line"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="auth_policy",
    )
    questions = models.PositiveSmallIntegerField(_("questions to ask"), default=2)

    class Meta:
        verbose_name = _("authentication policy")
        verbose_name_plural = _("authentication policies")

    def __str__(self) -> str:
        return f"{self.line or gettext('default')}: {self.questions}"


class Verification(models.Model):
    """One attempt to authenticate a caller as a person, for one contact (A1, A2).

    ``asked`` lists the question ids in the order asked; ``answers`` maps a
    question id to whether the answer was right. It is valid only while its
    contact is open.
    """

    contact = models.ForeignKey(
        "journal.Contact", on_delete=models.CASCADE, related_name="verifications"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="verifications"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    asked = models.JSONField(default=list)
    answers = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["person", "status", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} for contact {self.contact_id}: {self.status}"


class AccessOverride(models.Model):
    """A reasoned decision to see a person's data without authentication (A1)."""

    AUDIT_REDACTED_FIELDS = ("reason",)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="overrides"
    )
    contact = models.ForeignKey(
        "journal.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} → {self.person_id}: {self.reason}"


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")


class AccessLog(models.Model):
    """Every read of personal data: who, when, whose, which category, why (A1)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField()
    user_name = models.CharField(max_length=150)
    person = models.ForeignKey(
        Person, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    category = models.CharField(max_length=20, choices=DataCategory.choices)
    contact_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    via = models.CharField(max_length=16, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person", "at"]),
            models.Index(fields=["user_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} → {self.person_id} ({self.category})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)


class ErasureRequest(models.Model):
    """A request to erase (anonymise) a person's data; a second person approves it (GDPR art. 17)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        DONE = "done", _("Anonymised")
        REJECTED = "rejected", _("Rejected")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="erasure_requests"
    )
    reason = models.CharField(_("reason"), max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"erasure of #{self.person_id}: {self.status}"


class ImportJob(models.Model):
    """One upload of persons or employers to import, run by a background task.

    The uploaded file is kept only until the task has read it. ``rows_done``
    and ``rows_total`` are the progress the page shows while the task runs
    (``rows_total`` is an estimate, None when unknown); the figures below
    them and ``errors`` (at most ``importer.MAX_ERRORS`` items of
    ``{"row", "column", "message"}``, translated into ``language``) are the
    report once it has finished. Only its creator sees a job.
    """

    class Kind(models.TextChoices):
        PERSONS = "persons", _("Persons")
        EMPLOYERS = "employers", _("Employers")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Stopped by an error")

    kind = models.CharField(_("records"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4)
    dry_run = models.BooleanField(_("dry run"), default=True)
    all_or_nothing = models.BooleanField(_("all or nothing"), default=True)
    language = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    valid = models.PositiveIntegerField(_("valid rows"), default=0)
    created = models.PositiveIntegerField(_("records written"), default=0)
    phones = models.PositiveIntegerField(_("phones written"), default=0)
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"])]

    def __str__(self) -> str:
        return f"import #{self.pk} of {self.kind} from {self.file_name}: {self.status}"

    @property
    def finished(self) -> bool:
        """Return whether the task has ended, well or not."""
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        """Return the progress in whole percent, None while it is unknown."""
        if self.finished:
            return 100
        if not self.rows_total:
            return None
        return min(100, self.rows_done * 100 // self.rows_total)
