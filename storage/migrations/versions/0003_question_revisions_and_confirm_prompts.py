"""the agent in the loop: question revisions (masks, corrections) and confirmation prompts

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 18:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('question_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('placeholder', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('entity_type', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.Column('superseded_through', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('question_id', 'revision')
    )
    with op.batch_alter_table('question_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_revision_question_id'), ['question_id'], unique=False)
    op.create_table('confirm_prompt',
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('question_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('event_id')
    )
    with op.batch_alter_table('confirm_prompt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_confirm_prompt_question_id'), ['question_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('confirm_prompt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_confirm_prompt_question_id'))
    op.drop_table('confirm_prompt')
    with op.batch_alter_table('question_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_revision_question_id'))
    op.drop_table('question_revision')
