"""Alembic migrations of karta's schema (run by ``karta upgrade``; see registry/schema.py)."""
