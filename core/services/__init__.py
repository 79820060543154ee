"""Services: one use case each, behind one of two doors (STYLE A1, B11; Anki's QueryOp
and CollectionOp).

**Reads** take a ``Reader`` (``Database.reader()``: one session whose writes are
refused) and, where there are parameters, a small frozen request; they return frozen
results holding numbers and DataFrames (fen, lots, basis points, Fractions), never ORM
objects and never text made for display, so the result may cross to the GUI thread.
A read writes nothing, not even an audit entry: previews and screen loads are reads.

**Writes** take the ``Database`` and go through ``core.services.store.write``: one
transaction, the service's work, exactly one audit entry in that same transaction,
then ``(result, Changes)``; an error or a cancel rolls back the work and its entry
together. Front ends (``desktop``, ``core.cli``) hold no session and no SQL: they call
these. Nothing is imported here, so that importing one service stays cheap; import the
module:

* ``store``: ``Database``, ``open_database``, ``Reader``, ``write`` (the two doors)
* ``day_tables``: accounts, positions and prices of the latest day; ``warm_up``
* ``overview``: the Overview figures; ``is_database_empty``
* ``reduction``: ``preview_reduction`` (spec 2.e), ``locked_contracts``, ``reduction_view``
* ``liquidation``: ``preview_liquidation`` (spec 2.f), ``liquidation_view``
* ``limits``: ``limits_report``, ``check_pre_trade``, ``limits_view`` (spec 2.g)
* ``receipts``: ``receipts_report``, ``receipts_view`` with its holdings tree (2.i)
* ``delivery``: ``allocate_delivery_for_seller``, ``delivery_view``, ``allocate_given``
  (reads); ``record_delivery_allocation``, ``record_delivery_match``, ``record_efp``
  (writes; spec 2.j, 2.k)
* ``settlement``: ``run_daily_settlement`` (write; a dry run is a read)
* ``settlement_history``: settled days, a day's figures and statements
* ``imports``: ``import_file``, ``import_files`` (writes), ``recent_imports``
* ``demo``: ``create_demo_data``, ``create_demo`` (writes)
* ``alerts``: ``store_alerts``, ``acknowledge_alerts`` (writes), ``alert_history``
* ``monitor``: ``start_monitor``, the live day's engine and feed (a read)
* ``exports``: ``export_table``, ``export_statement`` (audited as ``export.<kind>``)
* ``notices``: ``generate_notices``, ``export_notice_pdfs`` (writes); ``due_clients``,
  ``list_notices``, ``notice_detail``, ``notice_history``, ``notice_documents`` (reads)
* ``notice_delivery``: ``send_notices`` (e-mail), ``mark_notice``, ``set_client_contact``
* ``calls``: ``settled_calls``, ``intraday_calls`` (margin calls, reads)
* ``forced_close``: ``preview_forced_close`` (read), ``review_edits``, ``export_orders``
  (audited)
* ``client_detail``: ``client_detail`` (read): one client after one settlement, every
  figure with its rule (the client panel)
"""

from __future__ import annotations
