"""Cross-cutting pieces every app uses: domain errors, the clock, masking, idempotency."""
