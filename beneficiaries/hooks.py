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

And for DESIGN.md §8 (retention and erasure), each app holding records about a person
registers with `register_erasure()` (assistance: AssistanceConfig.ready; the cases app, its
case notes and documents, when it lands):

- `erase(person_ids)`: inside beneficiaries.services.beneficiary_pseudonymise's transaction,
  clear the free text of that app's records of these people (a kept record and the records
  merged into it), delete their documents, and redact that app's audit snapshots of them;
  an app whose rows the figures count with the person's age freezes that age on them first
  (assistance: `Assistance.frozen_age`), so the figures do not move when the date of birth
  goes;
- `last_activity()`: an expression, for a queryset of people, of the date of the person's
  latest record in that app (None: none), which beneficiaries.selectors.with_last_activity
  folds into the date a retention period runs from.

And for a merge of duplicates (beneficiaries.merges), each app holding rows about a person
registers with `register_merge()` (assistance: its assistances, referrals and return cases;
cases: its cases), under a name of its own (`app`):

- `move(duplicate, keep) -> list[int]`: inside the merge's transaction, move that app's rows of
  `duplicate` to `keep`; return their ids (stored in the merge record under `app`, so the
  merge can be undone);
- `restore(ids, duplicate)`: inside the undo's transaction, move the rows `ids` (those still
  on the kept record) back to `duplicate`;
- `undo_refusal(person_ids) -> str | None` (optional): why the merge of these records can no
  longer be undone (assistance: a delivered assistance of theirs lies in a closed period, whose
  figures must not move), None when it can.

Apps above assistance add to a person's file and to a registration:

- `register_person_section(app=…, section=…)`: `section(request, person)` returns None (nothing
  to show this viewer) or `(template_name, context)`, a block the file includes after the
  timeline (cases: the person's cases);
- `register_on_registered(app=…, callback=…)`: `callback(people, acting_user=…)` runs inside
  the registration's transaction for each batch of newly registered people (cases: an
  organisation that follows everyone it registers opens their case).

Every value they derive comes from rows the viewer may see (`visible_to(user)`), never from all
of a person's rows: a partner the person was referred to must not learn when, or whether, the
sender assisted them. A hook asked before it is registered is a wiring error, refused loudly.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_hooks: dict[str, Callable] = {}
# app label → (erase, last_activity): the apps that hold records about a person.
_erasure: dict[str, tuple[Callable, Callable]] = {}
# name → (move, restore, undo_refusal or None): the rows that follow a person's merge.
_merge: dict[str, tuple[Callable, Callable, Callable | None]] = {}
# app label → a section of the person's file; app label → what a registration sets off.
_sections: dict[str, Callable] = {}
_on_registered: dict[str, Callable] = {}


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


def register_erasure(*, app: str, erase: Callable, last_activity: Callable) -> None:
    """Register `app`'s part of a person's erasure and of their last activity (see above);
    registering again replaces it."""
    _erasure[app] = (erase, last_activity)


def _erasure_hooks() -> list[tuple[Callable, Callable]]:
    if not _erasure:
        raise ImproperlyConfigured(
            "beneficiaries.hooks: no app registered its part of an erasure (assistance "
            "registers it in its AppConfig.ready())"
        )
    return list(_erasure.values())


def erase(person_ids: list[int]) -> None:
    """Every registered app clears what it holds about these people (see above)."""
    for eraser, _last_activity in _erasure_hooks():
        eraser(person_ids)


def last_activity_expressions() -> list:
    """The registered apps' expressions of a person's latest record in them."""
    return [last_activity() for _eraser, last_activity in _erasure_hooks()]


def register_merge(
    *, app: str, move: Callable, restore: Callable, undo_refusal: Callable | None = None
) -> None:
    """Register the rows of `app` (a name of the caller's, the key of the merge record's
    `moved`) that follow a merge and its undo (see above); registering again replaces it."""
    _merge[app] = (move, restore, undo_refusal)


def _merge_hooks() -> dict[str, tuple[Callable, Callable, Callable | None]]:
    if not _merge:
        raise ImproperlyConfigured(
            "beneficiaries.hooks: no app registered the rows that follow a merge (assistance "
            "registers them in its AppConfig.ready())"
        )
    return dict(_merge)


def merge_move(duplicate, keep) -> dict[str, list[int]]:
    """Every registered app moves its rows of `duplicate` to `keep`: name → ids moved."""
    return {app: list(move(duplicate, keep)) for app, (move, _r, _u) in _merge_hooks().items()}


def merge_restore(moved: dict[str, list[int]], duplicate) -> None:
    """Every registered app moves back the rows of a merge (`moved`, as merge_move gave it)."""
    for app, (_move, restore, _undo_refusal) in _merge_hooks().items():
        ids = moved.get(app) or []
        if ids:
            restore(ids, duplicate)


def merge_undo_refusal(person_ids: list[int]) -> str | None:
    """The first registered app's reason why a merge of these records may not be undone."""
    for _move, _restore, undo_refusal in _merge_hooks().values():
        reason = undo_refusal(person_ids) if undo_refusal else None
        if reason:
            return reason
    return None


def register_person_section(*, app: str, section: Callable) -> None:
    """Add `app`'s block to the person's file (see above); registering again replaces it."""
    _sections[app] = section


def person_sections(request, person) -> list[tuple[str, dict]]:
    """The blocks the apps above add to the person's file, for this viewer."""
    blocks = (section(request, person) for section in _sections.values())
    return [block for block in blocks if block is not None]


def register_on_registered(*, app: str, callback: Callable) -> None:
    """Run `callback(people, acting_user=…)` after each registration (see above)."""
    _on_registered[app] = callback


def registered(people: list, *, acting_user) -> None:
    """Tell the apps above that these people were just registered (same transaction)."""
    for callback in _on_registered.values():
        callback(people, acting_user=acting_user)
