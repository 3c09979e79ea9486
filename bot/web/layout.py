"""The navigation of the staff app. Every page of every area is listed here once; an entry
shows only when the app serves its path and the person's role may open it, so an area
that is not installed leaves no dead link."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.routing import BaseRoute, Mount, Route

from bot.staff.sessions import StaffUser


@dataclass(frozen=True)
class NavEntry:
    path: str
    label_key: str  # a key of a translation catalog
    admin_only: bool = False


NAV: tuple[NavEntry, ...] = (
    NavEntry("/", "nav.dashboard"),
    NavEntry("/questions", "nav.questions"),
    NavEntry("/ideas", "nav.ideas"),
    NavEntry("/reports", "nav.reports"),
    NavEntry("/not-understood", "nav.not_understood"),
    NavEntry("/consultations", "nav.consultations"),
    NavEntry("/decisions", "nav.decisions"),
    NavEntry("/announcements", "nav.announcements"),
    NavEntry("/exports", "nav.exports"),
    NavEntry("/admin/flows", "nav.flows", admin_only=True),
    NavEntry("/admin/nlu", "nav.nlu", admin_only=True),
    NavEntry("/admin/accounts", "nav.accounts", admin_only=True),
    NavEntry("/admin/settings", "nav.settings", admin_only=True),
    NavEntry("/admin/report-categories", "nav.report_categories", admin_only=True),
    NavEntry("/admin/audit", "nav.audit", admin_only=True),
)


@dataclass(frozen=True)
class NavItem:
    path: str
    label_key: str
    current: bool


def served_paths(routes: list[BaseRoute]) -> set[str]:
    paths: set[str] = set()
    for route in routes:
        if isinstance(route, Route):
            paths.add(route.path)
        elif isinstance(route, Mount):
            paths.add(route.path or "/")
    return paths


def nav_items(request: Request, user: StaffUser | None) -> list[NavItem]:
    if user is None:
        return []
    served: set[str] = request.app.state.served_paths
    here = request.url.path
    items = []
    for entry in NAV:
        if entry.path not in served or (entry.admin_only and not user.is_admin):
            continue
        current = here == entry.path if entry.path == "/" else here.startswith(entry.path)
        items.append(NavItem(entry.path, entry.label_key, current))
    return items
