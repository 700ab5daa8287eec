"""Accounts: who is signed in (server-side sessions, API tokens), login and logout, invitations, password
reset and the profile page."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Identify the person of every request; register the pages, header link, cards, permissions, demo users,
    the command that creates an administrator and the purge of old sign-ins."""
    from datetime import timedelta

    from flask_babel import lazy_gettext as _l

    from blueprints.accounts import (  # noqa: F401 (views attach routes to bp)
        models,
        panels,
        views,
    )
    from blueprints.accounts.blueprint import bp
    from blueprints.accounts.cli import create_admin_command
    from blueprints.accounts.demo import describe_demo_users, seed_demo_users
    from blueprints.accounts.identify import init_identify
    from blueprints.accounts.policies import INVITE_USERS, PERMISSIONS
    from blueprints.accounts.services import RESET_JOB, purge_sign_ins, send_password_reset
    from blueprints.core.jobs import JobKind
    from blueprints.core.registry import AuditObject, areas
    from blueprints.core.schedule import Task

    init_identify(app)
    app.register_blueprint(bp)
    app.cli.add_command(create_admin_command)
    registry = areas(app)
    registry.add_audit_names(
        actions={
            "login": _l("Loggade in"),
            "logout": _l("Loggade ut"),
            "login_failure": _l("Misslyckad inloggning"),
            "lockout": _l("Kontot låstes (för många misslyckade inloggningar)"),
            "invite": _l("Bjöd in en användare"),
            "invitation_completed": _l("Tog emot inbjudan och valde lösenord"),
            "reset_completed": _l("Valde nytt lösenord via återställningslänk"),
            "password_reset_requested": _l("Bad om att återställa lösenordet"),
            "password_reset_limited": _l("Återställning stoppad (för många på en timme)"),
            "password_changed": _l("Bytte lösenord"),
            "access_changed": _l("Ändrade roller eller organisation"),
            "user_activated": _l("Aktiverade användare"),
            "user_deactivated": _l("Inaktiverade användare"),
            "api_token_created": _l("Skapade API-nyckel"),
            "api_token_revoked": _l("Återkallade API-nyckel"),
            "admin_created": _l("Gjorde en användare till administratör från kommandoraden"),
        },
        objects={
            "User": AuditObject(_l("Användare"), "admin.user_detail", "user_id"),
            "ApiToken": AuditObject(_l("API-nyckel")),
        },
    )
    registry.add_permissions(PERMISSIONS)
    registry.add_link("accounts.invite", _l("Bjud in"), permission=INVITE_USERS, order=70, whole_area=False)
    registry.add_panel("organisation.detail", "accounts/_organisation_users.html", panels.organisation_users, order=10)
    registry.add_panel("start.cards", "accounts/_start_invite_card.html", panels.invite_card, order=60)
    registry.add_panel("start.cards", "accounts/_start_profile_card.html", panels.profile_card, order=80)
    registry.add_job(RESET_JOB, JobKind(send_password_reset, _l("E-post för att återställa lösenord")))
    registry.add_task(Task("purge.accounts", purge_sign_ins, every=timedelta(hours=1)))
    registry.add_demo(seed_demo_users, order=20, describe=describe_demo_users)
