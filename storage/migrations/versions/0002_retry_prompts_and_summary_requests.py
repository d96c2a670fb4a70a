"""retry prompts and summary requests: own tables instead of bot_state keys

``bot_state`` keeps only the sync token; ``retry:<event_id>`` keys move to ``retry_prompt`` and
``summary.post:<day>:<team>`` keys to ``summary_request``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 17:15:00
"""

from datetime import datetime, timezone

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_RETRY, _POST = "retry:", "summary.post:"
_state = sa.table("bot_state", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    retry = op.create_table('retry_prompt',
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('question_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('event_id')
    )
    request = op.create_table('summary_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team', 'day')
    )
    conn = op.get_bind()
    questions = {row[0] for row in conn.execute(sa.text("SELECT id FROM question"))}
    rows = conn.execute(sa.select(_state.c.key, _state.c.value)).all()
    retries = [{"event_id": k[len(_RETRY):], "question_id": v} for k, v in rows
               if k.startswith(_RETRY) and v in questions]
    requests = []
    for key, value in rows:
        if key.startswith(_POST):
            day, _, team = key[len(_POST):].partition(":")
            try:
                at = datetime.fromisoformat(value)
            except ValueError:
                at = datetime.now(timezone.utc)
            requests.append({"team": team, "day": day, "requested_at": at})
    if retries:
        op.bulk_insert(retry, retries)
    if requests:
        op.bulk_insert(request, requests)
    conn.execute(_state.delete().where(sa.or_(_state.c.key.startswith(_RETRY),
                                              _state.c.key.startswith(_POST))))


def downgrade() -> None:
    conn = op.get_bind()
    rows = [{"key": f"{_RETRY}{e}", "value": q}
            for e, q in conn.execute(sa.text("SELECT event_id, question_id FROM retry_prompt"))]
    rows += [{"key": f"{_POST}{d}:{t}", "value": str(at)}
             for t, d, at in conn.execute(sa.text("SELECT team, day, requested_at FROM summary_request"))]
    if rows:
        op.bulk_insert(_state, rows)
    op.drop_table('summary_request')
    op.drop_table('retry_prompt')
