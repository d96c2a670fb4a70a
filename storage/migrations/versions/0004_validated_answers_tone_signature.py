"""validated answers library (full-text), draft tone and example, agents' signatures

``validated_answer`` holds the final text of every approved or edited question (placeholder form)
with the stems of its question; SQLite indexes them in the FTS5 table ``validated_answer_fts``,
PostgreSQL in the generated ``tsvector`` column ``tsv`` (GIN). Existing decisions are back-filled.
``draft`` gains ``tone`` and ``example_id``; ``agent_profile`` holds each agent's signature.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-03 18:00:00
"""

import sqlalchemy as sa
from alembic import op

from storage.answers import search_stems

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        'validated_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.String(length=64), nullable=False),
        sa.Column('team', sa.String(length=255), nullable=True),
        sa.Column('agent', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('answer_text', sa.Text(), nullable=False),
        sa.Column('search_text', sa.Text(), nullable=False),
        sa.Column('validated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['question.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('question_id'),
    )
    op.create_index('ix_validated_answer_team', 'validated_answer', ['team'])
    op.create_index('ix_validated_answer_agent', 'validated_answer', ['agent'])
    if sqlite:
        op.execute("CREATE VIRTUAL TABLE validated_answer_fts USING fts5(stems, "
                   "tokenize='unicode61 remove_diacritics 2')")
    else:
        op.execute("ALTER TABLE validated_answer ADD COLUMN tsv tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED")
        op.execute("CREATE INDEX ix_validated_answer_tsv ON validated_answer USING GIN (tsv)")
    with op.batch_alter_table('draft') as batch:
        batch.add_column(sa.Column('tone', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('example_id', sa.Integer(), nullable=True))
    op.create_table(
        'agent_profile',
        sa.Column('user_id', sa.String(length=255), nullable=False),
        sa.Column('signature', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('user_id'),
    )
    _backfill(sqlite)


def _backfill(sqlite: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT q.id, q.team, q.agent, q.redacted_text, d.kind, d.final_text, d.created_at, r.text"
        " FROM decision d JOIN question q ON q.id = d.question_id"
        " LEFT JOIN draft r ON r.id = d.draft_id WHERE d.kind IN ('approved', 'edited')"
        " ORDER BY d.created_at")).all()
    for qid, team, agent, question, kind, final, at, draft_text in rows:
        answer = final if kind == "edited" else draft_text
        if not answer:
            continue
        stems = search_stems(question)
        new_id = conn.execute(sa.text(
            "INSERT INTO validated_answer (question_id, team, agent, kind, answer_text, search_text,"
            " validated_at) VALUES (:q, :team, :agent, :kind, :answer, :stems, :at) RETURNING id"),
            {"q": qid, "team": team, "agent": agent, "kind": kind, "answer": answer,
             "stems": stems, "at": at}).scalar_one()
        if sqlite:
            conn.execute(sa.text("INSERT INTO validated_answer_fts (rowid, stems) VALUES (:id, :s)"),
                         {"id": new_id, "s": stems})


def downgrade() -> None:
    op.drop_table('agent_profile')
    with op.batch_alter_table('draft') as batch:
        batch.drop_column('example_id')
        batch.drop_column('tone')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE validated_answer_fts")
    op.drop_index('ix_validated_answer_agent', 'validated_answer')
    op.drop_index('ix_validated_answer_team', 'validated_answer')
    op.drop_table('validated_answer')
