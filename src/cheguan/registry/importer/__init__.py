"""``cheguan import <kind> <file.csv>``: the registry's door for data from elsewhere (a
national system's export, a spreadsheet). The kinds and their columns: ``kinds.KINDS``
(also docs/import.md); the all-or-nothing import: ``run.import_csv``."""

from cheguan.registry.importer.kinds import KINDS
from cheguan.registry.importer.run import ImportRejected, ImportResult, RowProblem, import_csv

__all__ = ["KINDS", "ImportRejected", "ImportResult", "RowProblem", "import_csv"]
