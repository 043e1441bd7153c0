"""action plans: actions per account linked to a finding, tracked across waves

Revision ID: 0004_i17b_actions
Revises: 0004_i17a_alerts
Create Date: 2026-11-23 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_i17b_actions'
down_revision = '0004_i17a_alerts'  # after issue 17a's, merged into this branch
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('finding', sa.String(length=12), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=254), server_default='', nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), server_default='planned', nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("finding IN ('dimension', 'item', 'contact', 'stage')",
                       name=op.f('ck_action_finding_known')),
    sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')",
                       name=op.f('ck_action_status_known')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'],
                            name=op.f('fk_action_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['participant.id'],
                            name=op.f('fk_action_contact_id_participant'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                            name=op.f('fk_action_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_action_wave_id_wave'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action'))
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_wave_id'), ['wave_id'], unique=False)


def downgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_wave_id'))
        batch_op.drop_index(batch_op.f('ix_action_contact_id'))
        batch_op.drop_index(batch_op.f('ix_action_account_id'))
    op.drop_table('action')
