"""Sign-in through identity providers: linked accounts, group → role mappings, per-provider settings, SAML
requests and used assertions (replay), and counted callbacks (rate limit).

Revision ID: 0025_sso
Revises: 0024_knowledge
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025_sso"
down_revision = "0024_knowledge"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saml_assertion",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("provider", sa.String(length=30), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saml_assertion")),
    )
    with op.batch_alter_table("saml_assertion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saml_assertion_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "saml_request",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("provider", sa.String(length=30), nullable=False),
        sa.Column("next_url", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saml_request")),
    )
    with op.batch_alter_table("saml_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saml_request_created_at"), ["created_at"], unique=False)

    op.create_table(
        "sso_callback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_callback")),
    )
    with op.batch_alter_table("sso_callback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_callback_at"), ["at"], unique=False)
        batch_op.create_index("ix_sso_callback_ip_address_at", ["ip_address", "at"], unique=False)

    op.create_table(
        "sso_provider_setting",
        sa.Column("provider", sa.String(length=30), nullable=False),
        sa.Column("passwords_allowed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("provider", name=op.f("pk_sso_provider_setting")),
    )
    op.create_table(
        "sso_group_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=30), nullable=False),
        sa.Column("group_name", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("role IN ('buyer', 'facilitator', 'manager', 'admin')", name=op.f("ck_sso_group_role_role")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_sso_group_role_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_group_role")),
        sa.UniqueConstraint("provider", "group_name", "role", name=op.f("uq_sso_group_role_provider")),
    )
    op.create_table(
        "sso_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_sso_identity_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identity")),
        sa.UniqueConstraint("provider", "subject", name=op.f("uq_sso_identity_provider")),
    )
    with op.batch_alter_table("sso_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_identity_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("sso_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_identity_user_id"))

    op.drop_table("sso_identity")
    op.drop_table("sso_group_role")
    op.drop_table("sso_provider_setting")
    with op.batch_alter_table("sso_callback", schema=None) as batch_op:
        batch_op.drop_index("ix_sso_callback_ip_address_at")
        batch_op.drop_index(batch_op.f("ix_sso_callback_at"))

    op.drop_table("sso_callback")
    with op.batch_alter_table("saml_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saml_request_created_at"))

    op.drop_table("saml_request")
    with op.batch_alter_table("saml_assertion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saml_assertion_expires_at"))

    op.drop_table("saml_assertion")
