"""Rule kinds of the risk actions: forced-reduction, forced-liquidation, position-limit,
receipt-expiry, delivery-allocation."""
