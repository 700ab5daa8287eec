"""What each area adds to the whole app, collected as the areas start: core knows no area by name.

An area's ``init_app`` registers its blueprint and then tells the registry what it contributes elsewhere:
header links (``add_link``), sections on pages that belong to other areas (``add_panel``: the start page,
an organisation's page), demo data (``add_demo``), kinds of background job (``add_job``), scheduled tasks
(``add_task``), figures for the metrics page (``add_gauge``), its named permissions (``add_permissions``),
which templates ask with ``may('name')``, and what its audit events and audited objects are called
(``add_audit_names``, for the readable audit log). Pages render the sections of a slot with
``panels('slot', ...)``.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from blueprints.core.access import Permission, current_user

if TYPE_CHECKING:
    from blueprints.core.jobs import JobKind
    from blueprints.core.schedule import Task

EXTENSION_KEY = "kopkraft.areas"


@dataclass(frozen=True)
class NavItem:
    """One link in the header, shown to people holding ``permission`` (None: every signed-in person)."""

    endpoint: str
    label: Any
    permission: Permission | None
    order: int
    whole_area: bool  # also marked as current on the area's other pages

    def active(self) -> bool:
        """True on the linked page, and on the area's other pages when the link stands for the whole area."""
        endpoint = request.endpoint or ""
        return endpoint == self.endpoint or (self.whole_area and endpoint.split(".")[0] == self.endpoint.split(".")[0])


@dataclass(frozen=True)
class Panel:
    """A section one area adds to a page of another: its own template, its own context. ``context`` gets the
    page's values by name and answers None when there is nothing to show for this person."""

    template: str
    context: Callable[..., dict[str, Any] | None]
    order: int


@dataclass(frozen=True)
class DemoSeeder:
    """Adds an area's demo rows that are missing and returns how many it created; ``order`` follows the areas'
    dependencies (organisations before the people who belong to them)."""

    seed: Callable[[], int]
    order: int
    describe: Callable[[], list[str]] | None = None


@dataclass(frozen=True)
class AuditObject:
    """What an audited kind of object is called in the audit log, and the page that shows one (an endpoint
    taking the object's id as ``id_arg``), if any."""

    label: Any
    endpoint: str | None = None
    id_arg: str = ""


@dataclass(frozen=True)
class Gauge:
    """A figure for Prometheus, read when /metrics is scraped (None: nothing to report now)."""

    name: str
    help: str
    value: Callable[[], float | None]


@dataclass
class Areas:
    """Everything the areas registered."""

    links: list[NavItem] = field(default_factory=list)
    panels: dict[str, list[Panel]] = field(default_factory=dict)
    seeders: list[DemoSeeder] = field(default_factory=list)
    permissions: dict[str, Permission] = field(default_factory=dict)
    jobs: dict[str, "JobKind"] = field(default_factory=dict)
    tasks: dict[str, "Task"] = field(default_factory=dict)
    gauges: list[Gauge] = field(default_factory=list)
    audit_actions: dict[str, Any] = field(default_factory=dict)
    audit_objects: dict[str, AuditObject] = field(default_factory=dict)
    password_rules: list[Callable[[Any], str | None]] = field(default_factory=list)
    kept_at_sign_out: set[str] = field(default_factory=set)

    def add_link(
        self, endpoint: str, label: Any, *, permission: Permission | None = None, order: int, whole_area: bool = True
    ) -> None:
        """A header link."""
        self.links.append(NavItem(endpoint, label, permission, order, whole_area))
        self.links.sort(key=lambda item: item.order)

    def add_panel(self, slot: str, template: str, context: Callable[..., dict[str, Any] | None], *, order: int) -> None:
        """A section on the page that renders ``slot``."""
        self.panels.setdefault(slot, []).append(Panel(template, context, order))
        self.panels[slot].sort(key=lambda panel: panel.order)

    def add_demo(self, seed: Callable[[], int], *, order: int, describe: Callable[[], list[str]] | None = None) -> None:
        """Demo data for ``flask seed-demo``."""
        self.seeders.append(DemoSeeder(seed, order, describe))
        self.seeders.sort(key=lambda seeder: seeder.order)

    def add_job(self, kind: str, job_kind: "JobKind") -> None:
        """A kind of background job the worker can run (see ``core.jobs``)."""
        self.jobs[kind] = job_kind

    def add_task(self, task: "Task") -> None:
        """Work the worker runs every so often (see ``core.schedule``); a name is registered once."""
        if task.name in self.tasks:
            raise ValueError(f"task {task.name!r} is registered twice")
        self.tasks[task.name] = task

    def add_gauge(self, name: str, help: str, value: Callable[[], float | None]) -> None:
        """A figure of the area's for the metrics page (see ``core.observability``)."""
        self.gauges.append(Gauge(name, help, value))

    def add_audit_names(
        self, *, actions: Mapping[str, Any] | None = None, objects: Mapping[str, AuditObject] | None = None
    ) -> None:
        """What the area's audit events (``record_event``'s actions) and audited models are called."""
        self.audit_actions.update(actions or {})
        self.audit_objects.update(objects or {})

    def add_password_rule(self, rule: Callable[[Any], str | None]) -> None:
        """A check on a person whose password was right: a message when they must sign in another way."""
        self.password_rules.append(rule)

    def keep_at_sign_out(self, key: str) -> None:
        """A key of the browser's session that outlives signing out (what the login page then offers)."""
        self.kept_at_sign_out.add(key)

    def add_permissions(self, permissions: Iterable[Permission]) -> None:
        """Permissions templates may ask by name; a name is declared once in the whole app."""
        for permission in permissions:
            if permission.name in self.permissions:
                raise ValueError(f"permission {permission.name!r} is declared twice")
            self.permissions[permission.name] = permission


def areas(app: Flask | None = None) -> Areas:
    """The registry of this app."""
    return (app or current_app).extensions[EXTENSION_KEY]  # type: ignore[no-any-return]


def navigation() -> list[NavItem]:
    """The header links the signed-in person may follow."""
    user = current_user()
    if user is None:
        return []
    return [item for item in areas().links if item.permission is None or item.permission(user)]


def may(name: str) -> bool:
    """True when the signed-in person holds the permission called ``name`` (templates ask this)."""
    return areas().permissions[name](current_user())


def panels(slot: str, **values: Any) -> Markup:
    """The sections the areas add to ``slot``, rendered in order, for the signed-in person."""
    user = current_user()
    parts = []
    for panel in areas().panels.get(slot, []):
        context = panel.context(user=user, **values)
        if context is not None:
            parts.append(render_template(panel.template, user=user, **values, **context))
    return Markup("\n".join(parts))  # noqa: S704 (each part is an autoescaped template's output)


def init_registry(app: Flask) -> Areas:
    """Start an empty registry and offer its questions to templates."""
    registry = Areas()
    app.extensions[EXTENSION_KEY] = registry
    app.jinja_env.globals.update(navigation=navigation, may=may, panels=panels)
    return registry
