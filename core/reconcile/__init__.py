"""Reconciliation: RiskDesk's settlement against the counter's, CFMMC's and the
exchange's statements, to the fen (issue #15; docs/reconciliation.md).

Pure library (no database, no Qt): readers of the three formats into one columnar
model (``statements.StatementFrames``), the writer of RiskDesk's own statements in
the counter's (CTP) text layout, the field-by-field comparison and the
classification of each difference's likely cause. ``core.services.reconcile`` builds
RiskDesk's side from the stored settlement and runs it.
"""
