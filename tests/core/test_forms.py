"""The shared form rules: every form of the app is an ``AppForm``, so every text field refuses control
characters the same way."""

from flask_wtf import FlaskForm
from wtforms import Form, StringField, TextAreaField

from blueprints.core.forms import AppForm, InputRulesMeta


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_app_checks_its_text(app):
    forms = [cls for cls in _subclasses(Form) if cls.__module__.startswith("blueprints.")]
    assert len(forms) > 30
    unchecked = [f"{cls.__module__}.{cls.__name__}" for cls in forms if not issubclass(cls.Meta, InputRulesMeta)]
    assert unchecked == []
    assert all(issubclass(cls, AppForm) for cls in forms if issubclass(cls, FlaskForm) and cls is not AppForm)


class _Example(AppForm):
    title = StringField()
    body = TextAreaField()


def test_one_line_refuses_every_control_character_and_text_areas_keep_line_breaks(app):
    with app.test_request_context(method="POST", data={"title": "a\tb", "body": "a\r\n\tb"}):
        form = _Example(meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"title": ["Texten får inte innehålla radbrytningar eller andra styrtecken."]}
    with app.test_request_context(method="POST", data={"title": "Å ä ö – “citat”", "body": "x\x7f"}):
        form = _Example(meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"body": ["Texten innehåller otillåtna styrtecken."]}
