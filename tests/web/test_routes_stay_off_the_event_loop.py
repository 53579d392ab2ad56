"""No route does database work on the event loop (ADR 0005): a route or dependency that takes a
database session is a plain ``def``, which FastAPI runs in its thread pool. An ``async`` one
would freeze every other request while it waited for SQLite's write lock. The few ``async``
dependencies that hand their database work to the thread pool themselves are named below,
and checked to do so."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

import bordin.web.routes
from bordin.web import deps
from bordin.web.deps import get_db

#: ``async`` dependencies that take a session and run every database call in the thread pool
#: (``run_in_threadpool``) themselves, so that a request with nothing to look up needs no hop.
OFFLOADING = {deps.optional_viewer, deps.form_post}


def _routes() -> list[APIRoute]:
    found = []
    for info in pkgutil.iter_modules(bordin.web.routes.__path__):
        module = importlib.import_module(f"bordin.web.routes.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            found += [r for r in router.routes if isinstance(r, APIRoute)]
    return found


def _async_users_of_the_database(dependant: Dependant, path: str) -> list[str]:
    found = []
    for sub in dependant.dependencies:
        found += _async_users_of_the_database(sub, path)
    uses_db = any(sub.call is get_db for sub in dependant.dependencies)
    if uses_db and inspect.iscoroutinefunction(dependant.call) and dependant.call not in OFFLOADING:
        name = getattr(dependant.call, "__qualname__", repr(dependant.call))
        found.append(f"{path}: {name}")
    return found


def test_no_route_or_dependency_that_takes_a_database_session_is_async() -> None:
    routes = _routes()
    assert len(routes) > 50
    offenders = sorted(
        {found for r in routes for found in _async_users_of_the_database(r.dependant, r.path)}
    )
    assert offenders == []


def test_the_async_dependencies_that_take_a_session_hand_the_database_to_the_thread_pool() -> None:
    viewer_source = inspect.getsource(deps.optional_viewer)
    assert "await run_in_threadpool(" in viewer_source
    assert "user_service" not in viewer_source  # the lookup itself is in the sync helper
    post_source = inspect.getsource(deps.form_post)
    assert "db." not in post_source and "user_service" not in post_source
    db_source = inspect.getsource(deps.get_db)
    assert "session.rollback()" not in db_source  # only in the helper run in the thread pool
    assert "await run_in_threadpool(_end, session)" in db_source
