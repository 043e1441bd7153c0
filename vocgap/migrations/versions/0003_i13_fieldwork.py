"""fieldwork: study sender and signature, power-map "don't know", link visits

Revision ID: 0003_i13_fieldwork
Revises: 0002
Create Date: 2026-11-23 16:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0003_i13_fieldwork"
down_revision = "0002"
branch_labels = None
depends_on = None

STUDY_COLUMNS = (("sender_name", 200), ("research_organisation", 200), ("contact_name", 200),
                 ("contact_email", 254))


def upgrade():
    with op.batch_alter_table("study", schema=None) as batch_op:
        for name, length in STUDY_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False,
                                          server_default=""))
    with op.batch_alter_table("power_map_rating", schema=None) as batch_op:
        batch_op.add_column(sa.Column("support_dont_know", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("influence_dont_know", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_check_constraint(
            op.f("ck_power_map_rating_support_known_or_not"), "NOT (support_dont_know AND support IS NOT NULL)")
        batch_op.create_check_constraint(
            op.f("ck_power_map_rating_influence_known_or_not"), "NOT (influence_dont_know AND influence IS NOT NULL)")
    op.create_table(
        "link_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("first_opened_at", sa.DateTime(), nullable=False),
        sa.Column("last_opened_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"],
                                name=op.f("fk_link_visit_participant_id_participant")),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"], name=op.f("fk_link_visit_wave_id_wave")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_visit")),
        sa.UniqueConstraint("wave_id", "participant_id", name="uq_link_visit_once"),
    )
    with op.batch_alter_table("link_visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_visit_participant_id"), ["participant_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_link_visit_wave_id"), ["wave_id"], unique=False)


def downgrade():
    with op.batch_alter_table("link_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_visit_wave_id"))
        batch_op.drop_index(batch_op.f("ix_link_visit_participant_id"))
    op.drop_table("link_visit")
    with op.batch_alter_table("power_map_rating", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_power_map_rating_influence_known_or_not"), type_="check")
        batch_op.drop_constraint(op.f("ck_power_map_rating_support_known_or_not"), type_="check")
        batch_op.drop_column("influence_dont_know")
        batch_op.drop_column("support_dont_know")
    with op.batch_alter_table("study", schema=None) as batch_op:
        for name, _ in reversed(STUDY_COLUMNS):
            batch_op.drop_column(name)
