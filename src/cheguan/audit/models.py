"""The append-only, hash-chained audit trail (docs/adr/0002-audit-chain-per-stream.md).

An :class:`AuditEvent` says *who* (``actor``, and ``on_behalf_of`` when a clerk acts for a
citizen in an assisted session) did *what* (``action``, ``"<app>.<past_tense>"``) to *what*
(``subject_type`` + ``subject_id``), *when*, for which ``organisation`` and ``office``,
with ``data`` (JSON, personal fields masked). Events are chained per *stream*: each holds
the hash of the previous event of its stream, and :class:`AuditStreamHead` holds the
stream's last sequence number and hash; writers lock only their own stream's head.
"""

from __future__ import annotations

from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, actor) -> AuditEventQuerySet:
        """Supervisors: their office's events (an administrator without an office: all); a
        partner's agent: its organisation's."""
        from cheguan.core.permissions import has_capability

        user = actor.user
        if user is None or not user.is_authenticated:
            return self.none()
        if has_capability(user, "audit.view_trail"):
            if user.office_id is not None:
                return self.filter(office_id=user.office_id)
            return self if user.role == "admin" else self.none()
        if has_capability(user, "audit.view_own_organisation_trail") and user.organisation_id:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()


class AuditEvent(models.Model):
    stream = models.CharField(max_length=80)
    seq = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    on_behalf_of = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    office = models.ForeignKey(
        "registry.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=80)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["stream", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique")
        ]
        indexes = [
            models.Index(fields=["occurred_at"], name="audit_occurred_idx"),
            models.Index(fields=["organisation", "occurred_at"], name="audit_org_occurred_idx"),
            models.Index(fields=["office", "occurred_at"], name="audit_office_occurred_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx"),
            models.Index(fields=["action"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only; they are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only; they are never deleted.")


class AuditStreamHead(models.Model):
    """The last event of one stream: locked (``select_for_update``) by the writer."""

    stream = models.CharField(max_length=80, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.stream}@{self.seq}"


class AuditAnchor(models.Model):
    """A fingerprint of every stream's head at one moment, chained to the anchor before
    (docs/adr/0010-audit-anchoring.md).

    ``heads`` is ``[[stream, seq, hash], …]`` sorted by stream; ``hash`` is SHA-256 over
    the canonical JSON of ``seq``, ``created_at``, ``heads`` and ``prev_hash``. The same
    hash is written outside the database (the anchor file and the ``cheguan.audit.anchor``
    log), so rewriting a stream, its head and this row together still shows.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    heads = models.JSONField(default=list)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"anchor {self.seq} ({len(self.heads)} streams)"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit anchors are append-only; they are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit anchors are append-only; they are never deleted.")
