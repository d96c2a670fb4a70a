"""Behaviour of the bot: questions, decisions, commands and summaries.

Handlers get their collaborators (store, audit log, redactor, drafter, messenger) passed in.
"""
