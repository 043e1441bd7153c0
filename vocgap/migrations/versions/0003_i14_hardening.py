"""hardening: session versions, shared rate-limit counters, short names unique per consultant

Revision ID: 0003_i14_hardening
Revises: 0003_i13_fieldwork
Create Date: 2026-11-23 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_i14_hardening'
down_revision = '0003_i13_fieldwork'  # re-chained after main's 0003 (originally 0002)
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                      nullable=False))

    op.create_table('rate_counter',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_counter'))
    )
    with op.batch_alter_table('rate_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_counter_expires_at'), ['expires_at'],
                              unique=False)

    # Short names are unique among one consultant's studies (checked by the app), not globally:
    # a global constraint told every consultant which names other clients' studies use.
    with op.batch_alter_table('study', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_short_name'))
        batch_op.create_index(batch_op.f('ix_study_short_name'), ['short_name'], unique=False)


def downgrade():
    with op.batch_alter_table('study', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_short_name'))
        batch_op.create_index(batch_op.f('ix_study_short_name'), ['short_name'], unique=True)

    with op.batch_alter_table('rate_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_counter_expires_at'))
    op.drop_table('rate_counter')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
