"""Persistence: SQLModel tables, the database, the store API and the audit hash chain."""
