"""CLI commands beyond the core ones in cli.py (documents, templates, rules)."""
