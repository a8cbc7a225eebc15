from django.db import models


class IdempotencyRecord(models.Model):
    """The first answer to an API POST that carried an ``Idempotency-Key`` header.

    ``owner`` scopes the key to who sent it (a user, an API token, or an anonymous
    session), so two clients can never collide on each other's keys.

    The row is inserted unfinished (the claim), then ``completed`` and the masked answer are
    written in the same transaction as the request's own writes (``core.idempotency``). So a
    completed row always answers for work that is in the database, and an unfinished row that
    no transaction holds locked stands for an attempt that left nothing behind.
    """

    owner = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    completed = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner}:{self.key}"
