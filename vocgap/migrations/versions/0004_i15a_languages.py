"""languages: participant and response language, report language, frozen translations

Revision ID: 0004_i15a_languages
Revises: 0003_i14_hardening
Create Date: 2026-11-23 19:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0004_i15a_languages"
down_revision = "0003_i14_hardening"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=False,
                                      server_default="en"))
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_language", sa.String(length=16), nullable=False,
                                      server_default="en"))
    with op.batch_alter_table("wave", schema=None) as batch_op:
        batch_op.add_column(sa.Column("instrument_translations", sa.Text(), nullable=False,
                                      server_default="{}"))


def downgrade():
    with op.batch_alter_table("wave", schema=None) as batch_op:
        batch_op.drop_column("instrument_translations")
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.drop_column("report_language")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("language")
