"""alerts during fieldwork, owner notices, and revenue at stake (renewal, owner, currency)

Revision ID: 0004_i17a_alerts
Revises: 0004_i15a_languages
Create Date: 2026-11-23 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_i17a_alerts'
down_revision = '0004_i15a_languages'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('study', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), server_default='EUR',
                                      nullable=False))
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewal_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('owner_email', sa.String(length=254), server_default='',
                                      nullable=False))

    op.create_table('alert_settings',
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('detractor', sa.Boolean(), nullable=False),
    sa.Column('detractor_max', sa.Integer(), nullable=False),
    sa.Column('false_champion', sa.Boolean(), nullable=False),
    sa.Column('below_prediction', sa.Boolean(), nullable=False),
    sa.Column('below_points', sa.Double(), nullable=False),
    sa.Column('email_consultants', sa.Boolean(), nullable=False),
    sa.Column('notify_owners', sa.Boolean(), nullable=False),
    sa.CheckConstraint('below_points > 0',
                       name=op.f('ck_alert_settings_below_points_positive')),
    sa.CheckConstraint('detractor_max BETWEEN 0 AND 9',
                       name=op.f('ck_alert_settings_detractor_max_range')),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'],
                            name=op.f('fk_alert_settings_study_id_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('study_id', name=op.f('pk_alert_settings'))
    )
    op.create_table('owner_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('sent', 'quiet')",
                       name=op.f('ck_owner_notice_status_known')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'],
                            name=op.f('fk_owner_notice_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_owner_notice_wave_id_wave'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owner_notice')),
    sa.UniqueConstraint('wave_id', 'account_id', 'respondents', name='uq_owner_notice_once')
    )
    with op.batch_alter_table('owner_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_owner_notice_account_id'), ['account_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_owner_notice_wave_id'), ['wave_id'], unique=False)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('emailed_at', sa.DateTime(), nullable=True),
    sa.Column('owner_notice_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'handled')", name=op.f('ck_alert_status_known')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'],
                            name=op.f('fk_alert_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['user.id'],
                            name=op.f('fk_alert_handled_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_notice_id'], ['owner_notice.id'],
                            name=op.f('fk_alert_owner_notice_id_owner_notice'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'],
                            name=op.f('fk_alert_response_id_response'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_alert_study_id_study'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_alert_wave_id_wave'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert')),
    sa.UniqueConstraint('rule', 'response_id', 'subject', name='uq_alert_once')
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_owner_notice_id'), ['owner_notice_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_alert_response_id'), ['response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_study_id'), ['study_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_wave_id'), ['wave_id'], unique=False)


def downgrade():
    op.drop_table('alert')
    op.drop_table('owner_notice')
    op.drop_table('alert_settings')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('owner_email')
        batch_op.drop_column('renewal_date')
    with op.batch_alter_table('study', schema=None) as batch_op:
        batch_op.drop_column('currency')
