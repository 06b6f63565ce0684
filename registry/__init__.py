"""Persistence: the database, sessions and transactions, the journal and the history."""
