"""Rule kinds of the money engine: margin-schedule, client-funds, member-settlement."""
