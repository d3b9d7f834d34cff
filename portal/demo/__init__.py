"""Demo data for `manage.py load_demo`: a province after the 2025 reform, its agencies and catalogue, and
demo accounts. Plain data only; the command in portal/management/commands/load_demo.py loads it."""
