"""Inspection pages, split by who uses them: ``applying`` (the owner's, also in an
assisted session), ``desk`` (the clerk's help desk and proof checks) and ``marks`` (a mark,
its revocation and the public verify page)."""
