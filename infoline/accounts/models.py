"""Staff, teams, the organisation directory (K1–K3, T9, C5, C6) and opening hours (T12)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infoline.accounts.choices import AbsenceKind, LineKind, Role, SplitRule
from infoline.accounts.validators import normalize_phone, validate_extension
from infoline.lib.text import fold, fold_key

if TYPE_CHECKING:
    from infoline.accounts.hours import Calendar


class User(AbstractUser):
    """A member of staff who signs in; what they may do follows from ``role``."""

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.AGENT
    )
    team = models.ForeignKey(
        "Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    # Incremented by "sign out everywhere"; sessions carrying an older value end.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Administrators run the admin site; nobody else gets Django's flags.
        is_admin = self.role == Role.ADMINISTRATOR
        self.is_staff = is_admin
        self.is_superuser = is_admin
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "is_staff",
                "is_superuser",
            }
        super().save(*args, **kwargs)


class Department(models.Model):
    """A unit of the organisation as the switchboard needs to know it (K1)."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.TextField(_("area of responsibility"), blank=True)
    tasks = models.TextField(_("tasks"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_local_office = models.BooleanField(_("local office"), default=False)
    single_extension = models.BooleanField(
        _("takes calls on one extension only"),
        default=False,
        help_text=_(
            "Callers are put through to the department's extension, never to a person."
        ),
    )
    extension = models.CharField(
        _("extension"), max_length=6, blank=True, validators=[validate_extension]
    )
    secretary = models.ForeignKey(
        "Employee",
        verbose_name=_("secretary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secretary_note = models.CharField(
        _("when to route to the secretary"), max_length=300, blank=True
    )
    split_rule = models.CharField(
        _("case split"), max_length=20, choices=SplitRule.choices, blank=True
    )
    calendar = models.ForeignKey(
        "OpeningCalendar",
        verbose_name=_("phone hours"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="departments",
    )
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            self.phone = normalize_phone(self.phone)
        except ValidationError as exc:
            errors["phone"] = exc
        if self.single_extension and not self.extension:
            errors["extension"] = gettext(
                "A department that takes calls on one extension needs that extension."
            )
        if self.extension:
            clash = _extension_holder(self.extension, exclude=self)
            if clash:
                errors["extension"] = gettext(
                    "Extension %(ext)s already belongs to %(holder)s."
                ) % {"ext": self.extension, "holder": clash}
        if self.parent_id and self.pk:
            node: Department | None = self.parent
            while node is not None:
                if node.pk == self.pk:
                    errors["parent"] = gettext("A department cannot be inside itself.")
                    break
                node = node.parent
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(
            " ".join([self.name, self.code, self.area, self.tasks, self.extension])
        )
        super().save(*args, **kwargs)

    def ancestors(self) -> list[Department]:
        """Return the chain of parents from the top down, without ``self``."""
        chain: list[Department] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class CaseSplit(models.Model):
    """One employee's share of a department's cases (K1: split by code or address).

    ``range_from``/``range_to`` are inclusive and compared as folded text of the
    same width as the key the rule derives (see ``services.case_key``).
    """

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="splits",
    )
    employee = models.ForeignKey(
        "Employee",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="case_splits",
    )
    range_from = models.CharField(_("from"), max_length=20)
    range_to = models.CharField(_("to"), max_length=20)

    class Meta:
        verbose_name = _("case split")
        verbose_name_plural = _("case splits")
        ordering = ["department", "range_from"]

    def __str__(self) -> str:
        return f"{self.department}: {self.range_from}–{self.range_to} → {self.employee}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Stored as the keys ``services.case_key`` derives, whoever saves it.
        self.range_from = fold_key(self.range_from)
        self.range_to = fold_key(self.range_to)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.range_from = fold_key(self.range_from)
        self.range_to = fold_key(self.range_to)
        if self.range_to < self.range_from:
            raise ValidationError(
                {"range_to": gettext("The range ends before it starts.")}
            )
        if self.department_id:
            overlapping = CaseSplit.objects.filter(
                department_id=self.department_id,
                range_from__lte=self.range_to,
                range_to__gte=self.range_from,
            ).exclude(pk=self.pk)
            other = overlapping.first()
            if other:
                raise ValidationError(
                    gettext("The range overlaps %(other)s.")
                    % {"other": f"{other.range_from}–{other.range_to}"}
                )


class Team(models.Model):
    """A group of agents with a team lead."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
    )
    lead = models.ForeignKey(
        User,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    """A person in the organisation directory; may or may not sign in (``user``)."""

    user = models.OneToOneField(
        User,
        verbose_name=_("staff account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    position = models.CharField(_("position"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="employees",
    )
    extension = models.CharField(
        _("extension"),
        max_length=6,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_extension],
        error_messages={
            "unique": _("This extension already belongs to another employee.")
        },
    )
    direct_phone = models.CharField(_("direct phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    main_tasks = models.TextField(_("main tasks"), blank=True)
    substitutes = models.ManyToManyField(
        "self",
        verbose_name=_("substitutes"),
        symmetrical=False,
        blank=True,
        related_name="substitute_for",
    )
    active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, blank=True, db_index=False)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.extension == "":
            self.extension = None
        try:
            self.direct_phone = normalize_phone(self.direct_phone)
        except ValidationError as exc:
            errors["direct_phone"] = exc
        if self.extension:
            clash = _extension_holder(self.extension, exclude=self)
            if clash:
                errors["extension"] = gettext(
                    "Extension %(ext)s already belongs to %(holder)s."
                ) % {"ext": self.extension, "holder": clash}
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.extension == "":
            self.extension = None
        self.search_text = employee_search_text(
            self, self.department.name if self.department_id else ""
        )
        super().save(*args, **kwargs)

    def current_absence(self, at: datetime.datetime | None = None) -> Absence | None:
        """Return the absence covering ``at`` (now by default), if any."""
        at = at or timezone.now()
        return (
            self.absences.filter(starts_at__lte=at, ends_at__gt=at)
            .order_by("ends_at")
            .first()
        )


def employee_search_text(employee: Employee, department_name: str) -> str:
    """Return the folded text a directory search matches against."""
    return fold(
        " ".join(
            [
                employee.first_name,
                employee.last_name,
                employee.position,
                department_name,
                employee.main_tasks,
                employee.extension or "",
                employee.email,
            ]
        )
    )


def _extension_holder(extension: str, exclude: models.Model | None = None) -> str:
    """Name whoever already has ``extension`` (an employee or a department)."""
    employees = Employee.objects.filter(extension=extension)
    departments = Department.objects.filter(extension=extension)
    if isinstance(exclude, Employee) and exclude.pk:
        employees = employees.exclude(pk=exclude.pk)
    if isinstance(exclude, Department) and exclude.pk:
        departments = departments.exclude(pk=exclude.pk)
    holder: models.Model | None = employees.first() or departments.first()
    return str(holder) if holder else ""


class Absence(models.Model):
    """A period an employee is away (T9, C5). Its kind and note are private (A3, DK §1).

    Colleagues see only that the person is away and when they are expected back;
    the reason is shown to the employee alone.
    """

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AbsenceKind.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("expected back"))
    substitute = models.ForeignKey(
        Employee,
        verbose_name=_("substitute"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covering",
        help_text=_("Who takes this person's calls and messages meanwhile."),
    )
    note = models.CharField(_("private note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["employee", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.employee} {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": gettext("The absence ends before it starts.")}
            )
        if self.substitute_id and self.substitute_id == self.employee_id:
            raise ValidationError(
                {"substitute": gettext("Nobody can substitute for themselves.")}
            )
        if self.substitute_id and self.starts_at and self.ends_at:
            clash = (
                Absence.objects.filter(
                    employee_id=self.substitute_id,
                    starts_at__lt=self.ends_at,
                    ends_at__gt=self.starts_at,
                )
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                raise ValidationError(
                    {
                        "substitute": gettext(
                            "%(name)s is away too until %(until)s; choose another substitute."
                        )
                        % {
                            "name": clash.employee,
                            "until": timezone.localtime(clash.ends_at).strftime(
                                "%Y-%m-%d %H:%M"
                            ),
                        }
                    }
                )
        if self.employee_id and self.starts_at and self.ends_at:
            overlap = Absence.objects.filter(
                employee_id=self.employee_id,
                starts_at__lt=self.ends_at,
                ends_at__gt=self.starts_at,
            ).exclude(pk=self.pk)
            if overlap.exists():
                raise ValidationError(
                    gettext("This overlaps another absence of the same person.")
                )


class DepartmentAbsence(models.Model):
    """A whole department away, e.g. in a meeting (C6): start and duration."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="group_absences",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("back at"))
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("department absence")
        verbose_name_plural = _("department absences")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.department} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": gettext("The absence ends before it starts.")}
            )

    @property
    def duration(self) -> datetime.timedelta:
        return self.ends_at - self.starts_at


class ExternalInstitution(models.Model):
    """Another institution callers are referred to for what is not ours (K3)."""

    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    refer_for = models.TextField(_("what to refer to them"), blank=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("external institution")
        verbose_name_plural = _("external institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.phone = normalize_phone(self.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc}) from None

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(" ".join([self.name, self.address, self.refer_for]))
        super().save(*args, **kwargs)


class OpeningCalendar(models.Model):
    """Weekly opening hours with exception dates and public holidays (T12)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Vilnius"
    )
    country = models.CharField(
        _("holidays of country"), max_length=2, blank=True, default="LT"
    )
    subdivision = models.CharField(_("subdivision"), max_length=10, blank=True)
    closed_on_holidays = models.BooleanField(
        _("closed on public holidays"), default=True
    )

    class Meta:
        verbose_name = _("opening calendar")
        verbose_name_plural = _("opening calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        import zoneinfo

        import holidays

        errors: dict[str, str] = {}
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = gettext("“%(tz)s” is not a known time zone.") % {
                "tz": self.time_zone
            }
        if self.country:
            self.country = self.country.upper()
            supported = holidays.list_supported_countries()
            if self.country not in supported:
                errors["country"] = gettext(
                    "No public holidays are known for “%(c)s”."
                ) % {"c": self.country}
            elif self.subdivision and self.subdivision not in supported[self.country]:
                errors["subdivision"] = gettext(
                    "“%(s)s” is not a subdivision of %(c)s."
                ) % {
                    "s": self.subdivision,
                    "c": self.country,
                }
        if errors:
            raise ValidationError(errors)

    def as_calendar(self) -> Calendar:
        """Return the plain calendar the pure functions in ``hours`` work on."""
        from infoline.accounts.hours import Calendar, Period

        weekly: dict[int, list[Period]] = {}
        for period in self.weekly_periods.all():
            weekly.setdefault(period.weekday, []).append(
                Period(period.start, period.end)
            )
        exceptions: dict[datetime.date, list[Period]] = {}
        for day in self.exception_days.all():
            exceptions[day.date] = [Period(p.start, p.end) for p in day.periods.all()]
        return Calendar(
            tz=self.time_zone,
            weekly={
                day: tuple(sorted(ps, key=lambda p: p.start))
                for day, ps in weekly.items()
            },
            exceptions={
                d: tuple(sorted(ps, key=lambda p: p.start))
                for d, ps in exceptions.items()
            },
            country=self.country or None,
            subdivision=self.subdivision or None,
            closed_on_holidays=self.closed_on_holidays,
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyPeriod(models.Model):
    """One opening period on a weekday; ``end`` empty means until midnight."""

    calendar = models.ForeignKey(
        OpeningCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="weekly_periods",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly period")
        verbose_name_plural = _("weekly periods")
        ordering = ["calendar", "weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {_fmt(self.start)}–{_fmt(self.end)}"

    def clean(self) -> None:
        if self.start is None or not self.calendar_id or self.weekday is None:
            return
        others = WeeklyPeriod.objects.filter(
            calendar_id=self.calendar_id, weekday=self.weekday
        ).exclude(pk=self.pk)
        if self.end == datetime.time(0):
            self.end = None  # "until 00:00" is until midnight
        _check_periods(self.start, self.end, [(p.start, p.end) for p in others])


class ExceptionDay(models.Model):
    """A date with its own hours (special hours) or none at all (closed)."""

    calendar = models.ForeignKey(
        OpeningCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="exception_days",
    )
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exception date")
        verbose_name_plural = _("exception dates")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"], name="one_exception_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.note}"


class ExceptionPeriod(models.Model):
    """An opening period on an exception date."""

    day = models.ForeignKey(
        ExceptionDay, on_delete=models.CASCADE, related_name="periods"
    )
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        verbose_name = _("exception period")
        verbose_name_plural = _("exception periods")
        ordering = ["day", "start"]

    def __str__(self) -> str:
        return f"{_fmt(self.start)}–{_fmt(self.end)}"

    def clean(self) -> None:
        if self.start is None or not self.day_id:
            return
        others = ExceptionPeriod.objects.filter(day_id=self.day_id).exclude(pk=self.pk)
        if self.end == datetime.time(0):
            self.end = None  # "until 00:00" is until midnight
        _check_periods(self.start, self.end, [(p.start, p.end) for p in others])


def _fmt(value: datetime.time | None) -> str:
    return "24:00" if value is None else value.strftime("%H:%M")


def _check_periods(
    start: datetime.time,
    end: datetime.time | None,
    others: list[tuple[datetime.time, datetime.time | None]],
) -> None:
    """Reject an inverted period, or one overlapping another of the same day.

    The rules live in ``hours.validate_periods``, so forms, the admin and the
    pure calendar agree; midnight as an end ("00:00") means 24:00.
    """
    from infoline.accounts.hours import Period, PeriodError, validate_periods

    if end == datetime.time(0):
        end = None
    periods = [Period(s, None if e == datetime.time(0) else e) for s, e in others]
    try:
        validate_periods([*periods, Period(start, end)])
    except PeriodError as exc:
        raise ValidationError(gettext(exc.template) % exc.params) from None


class PublicLine(models.Model):
    """A public number citizens call (T1): general line, vacancy line, local office..."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=20, choices=LineKind.choices, default=LineKind.GENERAL
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lines",
    )
    calendar = models.ForeignKey(
        OpeningCalendar,
        verbose_name=_("opening hours"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lines",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("public line")
        verbose_name_plural = _("public lines")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def clean(self) -> None:
        # Short numbers (e.g. 1883) are national services, not E.164 numbers.
        if self.kind == LineKind.SHORT:
            if not (self.number.isdigit() and 3 <= len(self.number) <= 6):
                raise ValidationError(
                    {"number": gettext("A short number is 3 to 6 digits.")}
                )
            return
        try:
            self.number = normalize_phone(self.number)
        except ValidationError as exc:
            raise ValidationError({"number": exc}) from None


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 hash is stored (issue 3, item 11)."""

    user = models.ForeignKey(
        User,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="unique_active_token_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
