"""Pure DCE rule engines (margins, funds, settlement, fees): no Qt, no database."""
