"""Plate numbers (号牌号码): the pool, its draws (二十选一), and the records that keep the
selection honest (DOMAIN.md §2).

One table holds every released number and its state (:class:`PlateNumber`); the database
constraints below are the last line against a number held by two cases or assigned to two
vehicles. The draw samples *slots*: every number that may be drawn has a dense slot number
in its pool, so a uniform draw is "pick uniform slots, keep the free ones" whatever the
pool's size (ADR 0007).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PlateType(models.TextChoices):
    """Plate kinds (code table ``plate_kind``) this office's pool and format rules know."""

    LARGE = "01", _("Large vehicle plate (yellow)")
    SMALL = "02", _("Small vehicle plate (blue)")
    TRAILER = "15", _("Trailer plate")
    COACH = "16", _("Learner-coach plate (学)")
    LARGE_NEW_ENERGY = "51", _("Large new-energy plate (yellow-green)")
    SMALL_NEW_ENERGY = "52", _("Small new-energy plate (green)")

    @classmethod
    def pooled(cls) -> frozenset[str]:
        """The types the number pool serves; trailer and coach numbers are issued at the
        office outside the draw."""
        return frozenset({cls.LARGE, cls.SMALL, cls.LARGE_NEW_ENERGY, cls.SMALL_NEW_ENERGY})

    @classmethod
    def new_energy(cls) -> frozenset[str]:
        return frozenset({cls.LARGE_NEW_ENERGY, cls.SMALL_NEW_ENERGY})


class NumberState(models.TextChoices):
    FREE = "free", _("Free")
    OFFERED = "offered", _("Offered in a draw")
    HELD = "held", _("Held for a case")
    ASSIGNED = "assigned", _("Assigned to a vehicle")
    RETAINED = "retained", _("Kept for its former owner")
    RETIRED = "retired", _("Retired")


class Pool(models.Model):
    """The numbers of one plate type at one office that the draw samples from.

    ``size`` is the number of slots in use (slots 1..size); ``version`` changes when the
    slots are renumbered (compaction), so a draw's log names the slot space it sampled.
    """

    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT, related_name="+")
    plate_type = models.CharField(max_length=2, choices=PlateType.choices)
    version = models.PositiveIntegerField(default=1)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "plate_type"], name="pool_one_per_type"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.plate_type}"


class Segment(models.Model):
    """One release of numbers into a pool (an audited admin action)."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="segments")
    first_number = models.CharField(max_length=8)
    last_number = models.CharField(max_length=8)
    count = models.PositiveIntegerField()
    released_at = models.DateTimeField()
    released_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    random_only_until = models.DateTimeField()  # before this, self-composition may not use it

    class Meta:
        ordering = ["-released_at"]

    def __str__(self) -> str:
        return f"{self.first_number}–{self.last_number}"


class PlateNumber(models.Model):
    """A released number and where it stands. Only the services in ``plates.services``
    change ``state`` (MVR Art 43: no assignment outside the audited selection)."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="numbers")
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="numbers")
    number = models.CharField(max_length=8, unique=True)  # 浙BA1234 (no separator dot)
    state = models.CharField(max_length=8, choices=NumberState.choices, default=NumberState.FREE)
    slot = models.PositiveIntegerField(null=True, blank=True)
    draw = models.ForeignKey(
        "Draw", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    until = models.DateTimeField(null=True, blank=True)  # the offer's or the hold's end
    vehicle = models.OneToOneField(
        "registry.Vehicle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plate",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    last_vehicle = models.ForeignKey(
        "registry.Vehicle", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retained_for = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retained_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "slot"], name="plate_one_number_per_slot"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="held"), name="plate_one_held_per_case"
            ),
            models.CheckConstraint(
                condition=~Q(state="free")
                | (
                    Q(draw__isnull=True)
                    & Q(case__isnull=True)
                    & Q(vehicle__isnull=True)
                    & Q(slot__isnull=False)
                ),
                name="plate_free_is_unbound",
            ),
            models.CheckConstraint(
                condition=~Q(state="offered")
                | (Q(draw__isnull=False) & Q(until__isnull=False) & Q(vehicle__isnull=True)),
                name="plate_offered_has_draw",
            ),
            models.CheckConstraint(
                condition=~Q(state="held")
                | (Q(case__isnull=False) & Q(until__isnull=False) & Q(vehicle__isnull=True)),
                name="plate_held_has_case",
            ),
            models.CheckConstraint(
                condition=(Q(state="assigned") & Q(vehicle__isnull=False))
                | (~Q(state="assigned") & Q(vehicle__isnull=True)),
                name="plate_assigned_iff_vehicle",
            ),
            models.CheckConstraint(
                condition=~Q(state="retained")
                | (Q(retained_for__isnull=False) & Q(retained_until__isnull=False)),
                name="plate_retained_has_person",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "until"], name="plate_state_until_idx"),
            models.Index(fields=["retained_for"], name="plate_retained_for_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def display(self) -> str:
        """浙B·A1234, as printed on the plate."""
        return f"{self.number[:2]}·{self.number[2:]}"


class DrawStatus(models.TextChoices):
    OPEN = "open", _("Open: numbers offered")
    PICKED = "picked", _("A number was picked")
    REPLACED = "replaced", _("Replaced by a new draw")
    EXPIRED = "expired", _("Expired without a pick")


class DaySeed(models.Model):
    """An office's secret seed for one office-local day: commit before, reveal after (ADR 0014).

    The secret (32 random bytes) is made before the day's first draw and only its SHA-256
    (``commitment``) is published; each draw's seed is HMAC-SHA256(secret, the draw's
    identity) (``plates.rules``). The public log shows the secret once the day has closed,
    so anyone can check that the day's draws follow from the committed secret."""

    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()  # office-local
    secret = models.CharField(max_length=64)  # hex, 32 random bytes; public after the day
    commitment = models.CharField(max_length=64)  # hex SHA-256 of the secret's bytes
    committed_at = models.DateTimeField()

    class Meta:
        ordering = ["day", "office_id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "day"], name="day_seed_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.day}"


class DrawQuerySet(models.QuerySet):
    def visible_to(self, actor) -> DrawQuerySet:
        """The draws of the cases the actor sees (cases' scope)."""
        from cheguan.cases.models import Case

        return self.filter(case__in=Case.objects.visible_to(actor).values("pk"))


class Draw(models.Model):
    """One 二十选一 draw and its log: the seed, the slot space it sampled (pool version and
    size), every candidate slot in order with its outcome, and the numbers offered. The
    draw can be replayed from this row alone (``cheguan plates verify-draws``)."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="draws")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    applicant_person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drawn_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    seed = models.CharField(max_length=64)  # hex, 32 bytes: HMAC of the day's seed (ADR 0014)
    # The committed day seed the draw's seed derives from; null: a draw made before
    # commit-reveal, whose seed was drawn at random on its own.
    day_seed = models.ForeignKey(
        DaySeed, on_delete=models.PROTECT, null=True, blank=True, related_name="draws"
    )
    pool_version = models.PositiveIntegerField()
    pool_size = models.PositiveIntegerField()
    candidates = models.JSONField(default=list)  # [[slot, number or "", outcome], …]
    numbers = models.JSONField(default=list)  # the numbers offered, in the order drawn
    drawn_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=DrawStatus.choices, default=DrawStatus.OPEN)
    picked = models.CharField(max_length=8, blank=True)
    picked_at = models.DateTimeField(null=True, blank=True)

    objects = DrawQuerySet.as_manager()

    class Meta:
        ordering = ["-drawn_at", "-id"]
        indexes = [
            models.Index(fields=["drawn_at"], name="draw_drawn_at_idx"),
            models.Index(fields=["case", "drawn_at"], name="draw_case_idx"),
            # A partner's recent draws, for its limits (plates.services.limits).
            models.Index(fields=["drawn_by", "drawn_at"], name="draw_drawn_by_idx"),
        ]

    def __str__(self) -> str:
        return f"draw {self.pk}"


class EventKind(models.TextChoices):
    RELEASED = "released", _("Released into the pool")
    OFFERED = "offered", _("Offered in a draw")
    RETURNED = "returned", _("Returned to the pool")
    HELD = "held", _("Held for a case")
    HOLD_EXPIRED = "hold_expired", _("Hold expired")
    ASSIGNED = "assigned", _("Assigned to a vehicle")
    RETAINED = "retained", _("Kept for the former owner")
    SWAPPED = "swapped", _("Swapped between two vehicles")
    RETIRED = "retired", _("Retired")
    SLOT_MOVED = "slot_moved", _("Slot renumbered")


class NumberEvent(models.Model):
    """The history of a number's state: what the draw replay checks a rejected candidate
    against, and what the supervisors read. Append-only; the id orders events."""

    number = models.ForeignKey(PlateNumber, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    at = models.DateTimeField()
    state = models.CharField(max_length=8, choices=NumberState.choices)  # the state after
    draw = models.ForeignKey(
        Draw, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    slot = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["number", "id"], name="number_event_idx")]

    def __str__(self) -> str:
        return f"{self.number_id} {self.kind}"


class SlotArchive(models.Model):
    """The slot of each number under an earlier pool version, kept when the pool is
    compacted so that older draws still replay."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    slot = models.PositiveIntegerField()
    number = models.ForeignKey(PlateNumber, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pool", "version", "slot"], name="slot_archive_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pool_id} v{self.version} #{self.slot}"


class BlockScope(models.TextChoices):
    COMPOSE = "compose", _("Not for self-composition (may still be drawn)")
    ALL = "all", _("Never released (neither drawn nor composed)")


class BlockedPatternQuerySet(models.QuerySet):
    def visible_to(self, actor) -> BlockedPatternQuerySet:
        """The office's blocklist, for those who keep the pool."""
        from cheguan.core.scope import staff_office, visible, when

        office = staff_office(actor, "plates.manage_pool")
        return visible(self, when(office, Q(office_id=office)))


class BlockedPattern(models.Model):
    """An offensive or reserved combination the office bars (a regular expression searched
    in the serial, e.g. ``(\\d)\\1\\1`` for three identical digits): from self-composition
    only, or from release altogether."""

    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT, related_name="+")
    pattern = models.CharField(max_length=60)
    scope = models.CharField(max_length=8, choices=BlockScope.choices, default=BlockScope.COMPOSE)
    reason = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = BlockedPatternQuerySet.as_manager()

    class Meta:
        ordering = ["pattern"]
        constraints = [
            models.UniqueConstraint(fields=["office", "pattern"], name="blocked_pattern_unique"),
        ]

    def __str__(self) -> str:
        return self.pattern


class ComposeCheck(models.Model):
    """One self-composition attempt (自编自选): up to 5 numbers checked at once."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()
    checked_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    results = models.JSONField(default=list)  # [{"number": …, "available": bool, "code": …}]

    class Meta:
        ordering = ["-checked_at"]
        indexes = [models.Index(fields=["case"], name="compose_check_case_idx")]

    def __str__(self) -> str:
        return f"compose {self.case_id} {self.checked_at:%Y-%m-%d %H:%M}"


class SelectionBan(models.Model):
    """A person barred from online selection after letting holds expire (DOMAIN.md §2.3);
    the window and the assisted desk remain open to them."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    expired_holds = models.PositiveSmallIntegerField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["person", "ends_at"], name="ban_person_idx")]

    def __str__(self) -> str:
        return f"ban {self.person_id} until {self.ends_at:%Y-%m-%d}"


class Swap(models.Model):
    """Two of one owner's vehicles exchanged numbers (MVR Art 20: once a year each)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    vehicle_a = models.ForeignKey("registry.Vehicle", on_delete=models.PROTECT, related_name="+")
    vehicle_b = models.ForeignKey("registry.Vehicle", on_delete=models.PROTECT, related_name="+")
    number_a = models.CharField(max_length=8)  # a's number before the swap
    number_b = models.CharField(max_length=8)
    swapped_at = models.DateTimeField()

    class Meta:
        ordering = ["-swapped_at"]
        indexes = [
            models.Index(fields=["vehicle_a", "swapped_at"], name="swap_a_idx"),
            models.Index(fields=["vehicle_b", "swapped_at"], name="swap_b_idx"),
        ]

    def __str__(self) -> str:
        return f"swap {self.number_a}↔{self.number_b}"
