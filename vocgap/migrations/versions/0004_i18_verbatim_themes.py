"""verbatim themes: a coding frame per study, its themes and the codes of free-text answers

Revision ID: 0004_i18_verbatim_themes
Revises: 0004_i17b_actions
Create Date: 2026-11-23 19:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_i18_verbatim_themes'
down_revision = '0004_i17b_actions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('coding_frame',
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('vendor_quotes', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(), nullable=True),
    sa.Column('suggested_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'],
                            name=op.f('fk_coding_frame_study_id_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('study_id', name=op.f('pk_coding_frame'))
    )
    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('definition', sa.String(length=1000), nullable=False),
    sa.Column('examples', sa.Text(), nullable=False),
    sa.Column('keywords', sa.String(length=1000), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'],
                            name=op.f('fk_theme_study_id_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('study_id', 'name', name='uq_theme_study_name')
    )
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_study_id'), ['study_id'], unique=False)

    op.create_table('verbatim_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('confidence', sa.Double(), nullable=True),
    sa.Column('applies', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('coded_by_id', sa.Integer(), nullable=True),
    sa.Column('coded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("source IN ('suggested', 'manual')",
                       name=op.f('ck_verbatim_code_source_known')),
    sa.CheckConstraint('confidence IS NULL OR (confidence >= 0 AND confidence <= 1)',
                       name=op.f('ck_verbatim_code_confidence_range')),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'],
                            name=op.f('fk_verbatim_code_answer_id_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coded_by_id'], ['user.id'],
                            name=op.f('fk_verbatim_code_coded_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'],
                            name=op.f('fk_verbatim_code_theme_id_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verbatim_code')),
    sa.UniqueConstraint('answer_id', 'theme_id', name='uq_verbatim_code_answer_theme')
    )
    with op.batch_alter_table('verbatim_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verbatim_code_answer_id'), ['answer_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_verbatim_code_coded_by_id'), ['coded_by_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_verbatim_code_theme_id'), ['theme_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('verbatim_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verbatim_code_theme_id'))
        batch_op.drop_index(batch_op.f('ix_verbatim_code_coded_by_id'))
        batch_op.drop_index(batch_op.f('ix_verbatim_code_answer_id'))
    op.drop_table('verbatim_code')
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_study_id'))
    op.drop_table('theme')
    op.drop_table('coding_frame')
