"""Reference data shipped under resources/: products, schedules, limit tables."""
