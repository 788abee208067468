"""Sealed between partners: every page URL of the app, taken from the URL resolver, visited
as a caseworker of another partner and as a donor, for every object outside their scope,
answers 404 or a redirect to sign-in. A new page cannot escape: its URL is found here, and a
pattern this test cannot build fails loudly instead of being skipped.

How a URL's object is chosen, generically:
- a keyword named after a model (`beneficiary_id`, `returncase_id`, `project_code`, …) or
  `pk`/`id`/`object_id` on a view that names its model (class-based views, admin);
- the object is one of that model that `Model.objects.visible_to(user)` does NOT return:
  the fixtures below give partner A one of everything. A model without `visible_to` is a
  failure (a page showing it by id must be scoped).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import translation
from django.utils.formats import date_format

from tests.pages.conftest import SECRET_FIRST_NAME, SECRET_LAST_NAME, SECRET_NOTE, SECRET_REF

# The REST API has its own tenancy matrix (tests/api/test_tenancy_matrix.py); this walks pages.
SKIPPED_PREFIXES = ("api/", "static/")
# URL keywords that do not name an object, with a harmless value.
NON_OBJECT_KWARGS = {
    "app_label": "beneficiaries",
    "format": "json",
    "url": "nowhere/",
    "kind": "pdf",
    "check": "duplicates",
    # The link of a password reset e-mail (partners:password_reset_confirm).
    "uidb64": "MQ",
    "token": "set-password",
}
# Keywords that do not say their model, per URL name (prefer <model>_<field> in new URLs).
KWARG_MODELS = {"bilans:portal_project": {"code": ("partners.Project", "code")}}
SECRETS = (SECRET_FIRST_NAME, SECRET_LAST_NAME, SECRET_REF, "Séance secrète")


def _models_by_name():
    names = {}
    for model in apps.get_models():
        names[model._meta.model_name] = model
        names[model.__name__.lower()] = model
    return names


_FULL_NAMES: dict[int, str] = {}


def _walk(patterns, chain=(), namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, (*chain, entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            _FULL_NAMES[id(entry)] = f"{namespace}{entry.name}"
            yield (*chain, entry.pattern), entry


def all_page_patterns():
    """(pattern chain, URLPattern) of every page, API and static files aside."""
    found = []
    for chain, entry in _walk(get_resolver().url_patterns):
        text = "".join(_describe(p) for p in chain)
        if text.lstrip("^").startswith(SKIPPED_PREFIXES):
            continue
        found.append((chain, entry))
    return found


def _describe(pattern) -> str:
    return str(pattern.regex.pattern if isinstance(pattern, RegexPattern) else pattern)


def _view_model(entry: URLPattern, chain=()):
    if len(chain) >= 2 and _describe(chain[0]).startswith("admin/"):
        # Admin model pages live under "<app_label>/<model_name>/".
        app_label, _, model_name = _describe(chain[1]).strip("/").partition("/")
        try:
            return apps.get_model(app_label, model_name)
        except (LookupError, ValueError):
            pass
    callback = entry.callback
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        model = getattr(view_class, "model", None)
        queryset = getattr(view_class, "queryset", None)
        return model or (queryset.model if queryset is not None else None)
    return None


def _kwarg_target(name: str, entry: URLPattern, chain=()):
    """(model, field) a URL keyword designates, or None for a non-object keyword."""
    if name in NON_OBJECT_KWARGS:
        return None
    url_name = _FULL_NAMES.get(id(entry), entry.name)
    if name in KWARG_MODELS.get(url_name, {}):
        label, field = KWARG_MODELS[url_name][name]
        return apps.get_model(label), field
    models = _models_by_name()
    if name in ("pk", "id", "object_id", "slug", "code"):
        model = _view_model(entry, chain)
        if model is None:
            raise AssertionError(
                f"URL {entry.name!r}: cannot tell which model <{name}> designates. Name the "
                f"keyword after the model (e.g. <int:beneficiary_id>) or use a class-based view "
                f"with `model`."
            )
        return model, ("pk" if name in ("id", "object_id") else name)
    if name == "content_type_id":
        return "content_type", None
    head, _, field = name.rpartition("_")
    if head and head.replace("_", "") in models:
        return models[head.replace("_", "")], ("pk" if field in ("id", "pk") else field)
    raise AssertionError(
        f"URL {entry.name!r}: keyword <{name}> names no model. Name it after the model "
        f"(<model>_id, <model>_<field>) or add it to NON_OBJECT_KWARGS if it is no object."
    )


class _AnyId:
    pk = id = 1


class _NothingToLeak(Exception):
    """The user may see every object of the model: there is no out-of-scope object."""


def _out_of_scope(model, user, *, admin=False):
    manager = model._default_manager
    if admin and not hasattr(manager, "visible_to"):
        # The admin is for IOM staff only: outsiders are sent to sign in whatever the object.
        return manager.order_by("pk").first() or _AnyId()
    if not manager.exists():
        raise AssertionError(
            f"No {model.__name__} exists to aim its pages at: add one owned by partner A (or "
            f"by another donor's project) to tests/pages/conftest.py::partner_world."
        )
    if not hasattr(manager, "visible_to"):
        # Not scoped per organisation: such a page must refuse outsiders altogether.
        return manager.order_by("pk").first()
    visible = manager.visible_to(user).values("pk")
    found = manager.exclude(pk__in=visible).order_by("pk").first()
    if found is None:
        raise _NothingToLeak
    return found


def _substitute(pattern, values: dict) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), str(pattern))
    text = pattern.regex.pattern
    out, i = "", 0
    while i < len(text):
        if text.startswith("(?P<", i):
            name = text[i + 4 : text.index(">", i)]
            depth, j = 0, i
            while True:
                if text[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            out += str(values[name])
            i = j
        elif text[i] == "\\":
            out += text[i + 1]
            i += 2
        else:
            out += text[i]
            i += 1
    out = out.lstrip("^").removesuffix("\\Z").rstrip("$").replace("/?", "/")
    if re.search(r"[()\[\]*+?|{}]", out):
        raise AssertionError(f"cannot build a URL from regex {text!r}: extend _substitute")
    return out


def _kwarg_names(chain) -> list[str]:
    names = []
    for pattern in chain:
        names += list(pattern.regex.groupindex)
    return names


def build_url(chain, entry, user, *, missing=False):
    """The URL of `entry` aimed at objects out of `user`'s scope; None if the user can see
    every object of that model (nothing to leak)."""
    from django.contrib.contenttypes.models import ContentType

    values, has_object = {}, False
    names = _kwarg_names(chain)
    for name in names:
        if name == "object_id" and "content_type_id" in names:
            # The admin's "view on site" shortcut: the object of the content type below.
            target = (apps.get_model("beneficiaries", "Beneficiary"), "pk")
        else:
            target = _kwarg_target(name, entry, chain)
        if target is None:
            values[name] = NON_OBJECT_KWARGS[name]
            continue
        has_object = True
        model, field = target
        if model == "content_type":
            values[name] = ContentType.objects.get_by_natural_key("beneficiaries", "beneficiary").pk
            continue
        if missing:
            values[name] = 987654321 if field in ("pk", "id") else "no-such-object"
            continue
        try:
            obj = _out_of_scope(model, user, admin=_describe(chain[0]).startswith("admin/"))
        except _NothingToLeak:
            return None, has_object
        values[name] = getattr(obj, field)
    return "/" + "".join(_substitute(p, values) for p in chain), has_object


def _is_sign_in_redirect(response) -> bool:
    if response.status_code not in (301, 302):
        return False
    location = response.headers["Location"]
    return location.startswith((reverse(settings.LOGIN_URL), reverse("admin:login")))


def _refused_like_a_missing_object(client, method, chain, entry, user, response) -> bool:
    """A 405 (wrong method) tells nothing if an id that does not exist gets the same answer:
    the method was refused before any object was looked up."""
    if response.status_code != 405:
        return False
    missing_url, _has_object = build_url(chain, entry, user, missing=True)
    return getattr(client, method)(missing_url).status_code == 405


@pytest.fixture
def outsiders(charlie, donor_user):
    return {"caseworker of partner B": charlie, "donor": donor_user}


def test_every_page_is_sealed_between_partners(client, partner_world, outsiders):
    patterns = all_page_patterns()
    assert len(patterns) > 20, "the walk must see the app's pages"
    leaks, checked_objects = [], 0
    for label, user in outsiders.items():
        client.force_login(user)
        for chain, entry in patterns:
            url, has_object = build_url(chain, entry, user)
            if url is None:
                continue
            methods = ("get", "post") if has_object else ("get",)
            for method in methods:
                response = getattr(client, method)(url)
                body = response.content.decode(errors="replace") if response.content else ""
                shown = [s for s in SECRETS if s in body]
                if shown:
                    leaks.append(f"{label} {method.upper()} {url}: shows {shown}")
                if has_object and not (
                    response.status_code == 404
                    or _is_sign_in_redirect(response)
                    or _refused_like_a_missing_object(client, method, chain, entry, user, response)
                ):
                    leaks.append(f"{label} {method.upper()} {url}: {response.status_code}")
                if response.status_code >= 500:
                    leaks.append(f"{label} {method.upper()} {url}: server error")
            checked_objects += has_object
        client.logout()
    assert leaks == [], "\n".join(leaks)
    assert checked_objects >= 2 * 10, "expected every object page checked for both outsiders"


def test_the_walk_covers_the_pages_that_matter(partner_world, charlie):
    """Guard against a walk that silently sees nothing: the caseworker's object pages are
    among those built, aimed at partner A's records."""
    world = partner_world
    expected = {
        reverse("beneficiaries:detail", args=[world["beneficiary"].pk]),
        reverse("beneficiaries:edit", args=[world["beneficiary"].pk]),
        reverse("assistance:edit", args=[world["assistance"].pk]),
        reverse("assistance:cancel", args=[world["assistance"].pk]),
        reverse("assistance:activity_detail", args=[world["activity"].pk]),
        reverse("assistance:referral_respond", args=[world["referral"].pk]),
        reverse("assistance:return_detail", args=[world["return_case"].pk]),
        reverse("case_files:note_detail", args=[world["case_note"].pk]),
        reverse("case_files:document_download", args=[world["case_document"].pk]),
        reverse("case_files:document_upload", args=[world["case"].pk]),
    }
    urls = {build_url(chain, entry, charlie)[0] for chain, entry in all_page_patterns()}
    assert expected <= urls


def test_a_pattern_naming_no_model_fails_loudly():
    from django.urls import path

    entry = path("things/<int:thing_number>/", lambda request, thing_number: None, name="x")
    with pytest.raises(AssertionError, match="names no model"):
        build_url((entry.pattern,), entry, None)


def test_anonymous_visitors_are_sent_to_sign_in(client, partner_world, alice):
    open_pages = {"login", "healthz", "set_language", "logout", "favicon"}
    for chain, entry in all_page_patterns():
        if entry.name in open_pages:
            continue
        url, _has_object = build_url(chain, entry, None)
        if url is None:
            continue
        response = client.get(url)
        assert response.status_code == 404 or _is_sign_in_redirect(response), (
            url,
            response.status_code,
        )


# --- What a partner the person was referred to may see --------------------------------------
#
# Once partner C accepts A's referral, carol (C's caseworker) sees the person, but of the
# person's assistances only those C delivered (`Assistance.objects.visible_to`). Every value a
# page derives from assistances (a "last assistance" column, a date filter, a count, a sort
# key) must come from those rows: the dates of A's rows are a secret like their notes.

# The date filters of the lists; a page ignores those it does not know.
DATE_RANGE_PARAMS = ("assisted", "delivered", "referred")


def _renderings(day: datetime.date) -> set[str]:
    return {
        day.isoformat(),
        date_format(day, "SHORT_DATE_FORMAT"),
        date_format(day, "DATE_FORMAT"),
    }


def _hidden_dates(world, user) -> set[datetime.date]:
    """The dates of the person's assistances `user` may not see, none of which any page or
    filter may reveal (the fixture keeps them apart from every date the user may see)."""
    from assistance.models import Assistance, Referral

    person = world["beneficiary"]
    rows = Assistance.objects.filter(beneficiary=person)
    visible = rows.filter(pk__in=Assistance.objects.visible_to(user).values("pk"))
    hidden = set(rows.exclude(pk__in=visible.values("pk")).values_list("delivered_on", flat=True))
    seen = set(visible.values_list("delivered_on", flat=True))
    seen |= set(Referral.objects.visible_to(user).values_list("referred_on", flat=True))
    seen |= {person.registered_on, person.date_of_birth, datetime.date.today()}
    assert hidden and not hidden & seen, "the fixture must keep hidden and visible dates apart"
    return hidden


def _visible_object(model, user):
    manager = model._default_manager
    if not hasattr(manager, "visible_to"):
        return None
    return manager.visible_to(user).order_by("pk").first()


def _pages_as_seen_by(user):
    """(url, is_list) of every page the user may open, aimed at objects they may see."""
    pages = []
    for chain, entry in all_page_patterns():
        if _describe(chain[0]).startswith("admin/"):
            continue  # IOM staff only: the other walks check that partners are sent away
        values, reachable = {}, True
        for name in _kwarg_names(chain):
            target = _kwarg_target(name, entry, chain)
            if target is None:
                values[name] = NON_OBJECT_KWARGS[name]
                continue
            model, field = target
            obj = _visible_object(model, user)
            if obj is None:
                reachable = False
                break
            values[name] = getattr(obj, field)
        if reachable:
            url = "/" + "".join(_substitute(p, values) for p in chain)
            pages.append((url, not _kwarg_names(chain)))
    return pages


def test_a_receiving_partner_sees_nothing_derived_from_the_senders_assistances(
    client, receiving_world
):
    world = receiving_world
    carol = world["carol"]
    hidden = _hidden_dates(world, carol)
    client.force_login(carol)
    problems, lists_checked = [], 0
    with translation.override("fr"):
        markers = {text for day in hidden for text in _renderings(day)} | {SECRET_NOTE}
        for url, is_list in _pages_as_seen_by(carol):
            response = client.get(url)
            body = response.content.decode(errors="replace")
            if response.status_code >= 500:
                problems.append(f"GET {url}: server error")
            shown = sorted(m for m in markers if m in body)
            if shown:
                problems.append(f"GET {url}: shows {shown}")
            if not is_list:
                continue
            for day in sorted(hidden):
                # Filtered to a day when only A assisted the person, a list has nothing to show.
                query = {}
                for prefix in DATE_RANGE_PARAMS:
                    query |= {f"{prefix}_from": day.isoformat(), f"{prefix}_to": day.isoformat()}
                filtered = client.get(url, query)
                if filtered.status_code >= 500:
                    problems.append(f"GET {url} {query}: server error")
                page = filtered.context and filtered.context.get("page_obj")
                if page is not None:
                    lists_checked += 1
                    if page.paginator.count:
                        problems.append(
                            f"GET {url} on {day}: lists {list(page.object_list)} through "
                            f"assistances carol may not see"
                        )
    assert problems == [], "\n".join(problems)
    assert lists_checked >= 3 * len(hidden), "the people, assistance and referral lists"


def test_the_people_list_shows_the_last_assistance_the_viewer_may_see(client, receiving_world):
    """The list's "Dernière assistance" column, for the receiving partner and the owner: each
    sees the latest of the rows they may see."""
    from assistance.models import Assistance

    person = receiving_world["beneficiary"]
    carol, owner = receiving_world["carol"], person.created_by
    last = {}
    for user in (carol, owner):
        client.force_login(user)
        response = client.get(reverse("beneficiaries:list"))
        shown = {p.pk: p.last_assisted for p in response.context["page_obj"]}
        may_see = (
            Assistance.objects.visible_to(user)
            .delivered()
            .filter(beneficiary=person)
            .order_by("-delivered_on")
            .values_list("delivered_on", flat=True)
            .first()
        )
        assert shown[person.pk] == may_see
        last[user] = may_see
    # A assisted the person after carol did: only the owner sees that later date.
    assert last[carol] == receiving_world["own_assistance"].delivered_on < last[owner]
