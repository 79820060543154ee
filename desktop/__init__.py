"""RiskDesk desktop: a thin Qt front end over ``core``. Importing this package loads no Qt."""
