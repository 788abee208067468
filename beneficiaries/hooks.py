"""What higher apps show about a person, registered here (a hook: STYLE.md, "Layers").

beneficiaries sits below assistance and must not import it, yet a person's list, its filters
and the person's file show what was delivered to them. The app that records deliveries
registers three functions with `register()` in its AppConfig.ready() (assistance:
AssistanceConfig.ready):

- `with_last_assisted(people, *, user)`: `people` annotated with `last_assisted`, the date of
  each person's latest delivery that `user` may see;
- `assisted_between(people, *, user, start, end)`: the people with a delivery that `user`
  may see within [start, end] (each bound optional);
- `person_page(request, person, forms)`: what the person's file adds to its context (the
  timeline, the quick-entry form); `forms` are the page's forms the caller already has (a
  bound form that failed), not to be built again.

Every value they derive comes from rows the viewer may see (`visible_to(user)`), never from all
of a person's rows: a partner the person was referred to must not learn when, or whether, the
sender assisted them. A hook asked before it is registered is a wiring error, refused loudly.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_hooks: dict[str, Callable] = {}


def register(
    *, with_last_assisted: Callable, assisted_between: Callable, person_page: Callable
) -> None:
    _hooks.update(
        with_last_assisted=with_last_assisted,
        assisted_between=assisted_between,
        person_page=person_page,
    )


def _hook(name: str) -> Callable:
    try:
        return _hooks[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"beneficiaries.hooks: {name!r} is not registered (assistance registers it in its "
            "AppConfig.ready())"
        ) from None


def with_last_assisted(people, *, user):
    return _hook("with_last_assisted")(people, user=user)


def assisted_between(people, *, user, start=None, end=None):
    return _hook("assisted_between")(people, user=user, start=start, end=end)


def person_page(request, person, forms: dict) -> dict:
    return _hook("person_page")(request, person, forms)
