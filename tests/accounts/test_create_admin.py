"""The first administrator without the demo data: ``flask --app app create-admin EMAIL``."""

import sqlalchemy as sa

from tests.conftest import deliver_outbox, link_in, page_text


def _user(app, email):
    from blueprints.accounts.models import User
    from blueprints.core.db import db

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        return None if user is None else (user.roles, user.is_active, user.password_hash is not None)


def test_create_admin_asks_for_the_password_twice_and_the_admin_signs_in(app, auth):
    runner = app.test_cli_runner()
    typed = "kort\nkort\nen lång och säker mening\nen lång och säker mening\n"
    result = runner.invoke(args=["create-admin", "It-Chef@Myndigheten.se", "--name", "Ingrid IT"], input=typed)
    assert result.exit_code == 0, result.output
    assert "must have" in result.output  # the short one was refused, and asked again
    assert "it-chef@myndigheten.se is an administrator." in result.output
    assert _user(app, "it-chef@myndigheten.se") == ({"admin"}, True, True)
    assert auth.login("it-chef@myndigheten.se", "en lång och säker mening").status_code == 303
    assert "Administration" in page_text(auth.client.get("/").get_data(as_text=True))


def test_create_admin_with_a_link_emails_one_that_sets_the_password(app, client, smtp):
    result = app.test_cli_runner().invoke(args=["create-admin", "drift@myndigheten.se", "--link"])
    assert result.exit_code == 0, result.output
    assert "http://localhost/" in result.output
    assert _user(app, "drift@myndigheten.se") == ({"admin"}, True, False)
    assert deliver_outbox(app)["sent"] == 1
    page = client.get(link_in(smtp.messages[0]))
    assert page.status_code == 200 and "lösenord" in page_text(page.get_data(as_text=True)).lower()


def test_create_admin_makes_an_existing_account_an_active_admin_and_keeps_its_roles(app, people):
    from blueprints.accounts.models import User
    from blueprints.core.db import db

    with app.app_context():
        db.session.get(User, people["buyer"]).is_active = False
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["create-admin", "buyer@example.org", "--link"])
    assert result.exit_code == 0, result.output
    assert _user(app, "buyer@example.org") == ({"admin", "buyer"}, True, True)


def test_create_admin_refuses_an_address_that_is_not_one(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "inte en adress", "--link"])
    assert result.exit_code == 2
    assert "EMAIL" in result.output
    assert _user(app, "inte en adress") is None


def test_seed_demo_refuses_to_run_in_production(app):
    from blueprints.accounts.models import User
    from blueprints.core.db import db

    app.config["ENVIRONMENT"] = "production"
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "create-admin" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
