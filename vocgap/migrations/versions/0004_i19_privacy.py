"""privacy: retention and notice settings, notice answers, the privacy log, erasure cascades

Revision ID: 0004_i19_privacy
Revises: 0004_i18_verbatim_themes
Create Date: 2026-11-23 19:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0004_i19_privacy"
down_revision = "0004_i18_verbatim_themes"
branch_labels = None
depends_on = None

# Foreign keys to a participant that must follow the person when they are deleted in full.
PERSON_KEYS = (("response", "participant_id"), ("invitation", "participant_id"),
               ("link_visit", "participant_id"), ("power_map_rating", "contact_id"))


def _repoint(ondelete):
    for table, column in PERSON_KEYS:
        name = f"fk_{table}_{column}_participant"
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_="foreignkey")
            batch_op.create_foreign_key(name, "participant", [column], ["id"],
                                        ondelete=ondelete)


def upgrade():
    op.create_table(
        "study_privacy",
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("retention_months", sa.Integer(), nullable=False),
        sa.Column("controller", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("rights", sa.Text(), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("retention_months BETWEEN 1 AND 240",
                           name=op.f("ck_study_privacy_retention_range")),
        sa.ForeignKeyConstraint(["study_id"], ["study.id"],
                                name=op.f("fk_study_privacy_study_id_study"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("study_id", name=op.f("pk_study_privacy")),
    )
    op.create_table(
        "notice_answer",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=False),
        sa.Column("notice_digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"],
                                name=op.f("fk_notice_answer_participant_id_participant"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"],
                                name=op.f("fk_notice_answer_wave_id_wave"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("participant_id", "wave_id", name=op.f("pk_notice_answer")),
    )
    op.create_table(
        "privacy_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=True),
        sa.Column("study_label", sa.String(length=300), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('erase', 'erase_full', 'anonymise', 'retention_anonymise', "
            "'subject_export')", name=op.f("ck_privacy_event_kind_known")),
        sa.ForeignKeyConstraint(["study_id"], ["study.id"],
                                name=op.f("fk_privacy_event_study_id_study"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_event")),
    )
    with op.batch_alter_table("privacy_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_privacy_event_study_id"), ["study_id"],
                              unique=False)
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))
    _repoint("CASCADE")


def downgrade():
    _repoint(None)
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("privacy_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_event_study_id"))
        batch_op.drop_index(batch_op.f("ix_privacy_event_at"))
    op.drop_table("privacy_event")
    op.drop_table("notice_answer")
    op.drop_table("study_privacy")
