"""RiskDesk core: the DCE clearing and risk rules, data model and services. No Qt here."""
