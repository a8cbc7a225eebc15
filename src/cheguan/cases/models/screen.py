"""A window's second screen, paired with the clerk who works the window (ADR 0017)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class WindowScreen(models.Model):
    """A display facing the citizen at a window. It opens the public screen page, which
    gives it a secret kept in a cookie (only its hash is stored) and shows a short pairing
    code once; the clerk enters the code at their window and the screen is theirs until the
    pairing ends. It shows only what its clerk pushed to it: the case just finished (to
    rate) or an assisted service waiting for the citizen's consent."""

    secret_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="window_screens",
    )
    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT, null=True, blank=True)
    paired_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pushed_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clerk"],
                condition=Q(ended_at__isnull=True, clerk__isnull=False),
                name="window_screen_one_per_clerk",
            ),
        ]

    def __str__(self) -> str:
        return f"screen {self.pk}"

    @property
    def is_paired(self) -> bool:
        return self.clerk_id is not None and self.ended_at is None
