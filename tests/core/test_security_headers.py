"""The headers every answer carries: Content-Security-Policy without inline code, no-store on
personal data, https and HSTS in production, and `check --deploy` clean with the production
environment the README documents."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings
from rest_framework.test import APIClient

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.html_checks import inline_code

ROOT = Path(__file__).resolve().parents[2]


def _csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# --- Content-Security-Policy ----------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_carry_a_policy_without_inline_script_or_style(client, alice, signed_in):
    if signed_in:
        client.force_login(alice)
    response = client.get("/" if signed_in else "/accounts/login/")
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_the_pages_html_has_no_inline_code(client, alice, partner_a):
    """What the policy would refuse is not in the pages: a person's file, the list, the home."""
    person = BeneficiaryFactory(organisation=partner_a)
    client.force_login(alice)
    for url in ("/", "/beneficiaires/", f"/beneficiaires/{person.pk}/", "/activites/nouvelle/"):
        html = client.get(url).text
        assert_no_inline_code(html, url)


def assert_no_inline_code(html: str, where: str) -> None:
    found = inline_code(html)
    assert found is None, f"{where}: {found}"


def _templates() -> list[Path]:
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(p for folder in folders for p in folder.rglob("*.html"))


# The PDF bilans' HTML (project and mission) goes to WeasyPrint, never to a browser; the server
# error page carries its own rules inline (it must show without static files), allowed by hash
# (core.views).
TEMPLATES_ALLOWED_INLINE_STYLE = {"bilans/pdf/bilan.html", "bilans/pdf/mission.html", "500.html"}


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_handler_or_style(template):
    text = template.read_text(encoding="utf-8")
    # Django comments may say "<script>"; what a browser gets is what counts.
    text = re.sub(r"{#.*?#}", "", text)
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag, f"inline <script> in {template}: move it to static/js/"
    assert not re.search(r"\son[a-z]+\s*=", text), f"on…= handler in {template}"
    relative = str(template.relative_to(ROOT)).split("templates/", 1)[1]
    if relative not in TEMPLATES_ALLOWED_INLINE_STYLE:
        assert not re.search(r"\sstyle\s*=", text), f"style attribute in {template}: use a class"
        assert not re.search(r"<style\b", text), f"<style> in {template}: use static/css/"


def test_charts_use_no_style_attribute(officer):
    from reporting.charts import SEX_SERIES, bar_chart

    svg = bar_chart([("Soins", {"women": 3, "men": 2})], SEX_SERIES, title="Essai")
    assert "style=" not in svg
    assert 'font-size="14px"' in svg  # the title, as a presentation attribute


@pytest.mark.urls("tests.core.error_urls")
def test_server_error_page_style_is_allowed_by_its_hash_only(client, alice):
    client.raise_request_exception = False
    client.force_login(alice)
    response = client.get("/en-panne/")
    assert response.status_code == 500
    style_src = _csp(response)["style-src"]
    assert style_src[0] == "'self'"
    assert len(style_src) == 2 and style_src[1].startswith("'sha256-")
    import base64
    import hashlib

    css = re.search(rb"<style>(.*?)</style>", response.content, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(css).digest()).decode()
    assert style_src[1] == f"'sha256-{digest}'"


def test_api_docs_load_their_script_from_a_file(client, officer):
    client.force_login(officer)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    assert_no_inline_code(page.text, "/api/v1/docs/")
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.text


def test_other_security_headers(client, alice):
    client.force_login(alice)
    response = client.get("/")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


# --- Cache-Control: no-store on personal data -----------------------------------------------------


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and response.get("Pragma") == "no-cache"


def test_a_persons_page_is_not_stored(client, alice, partner_a):
    person = BeneficiaryFactory(organisation=partner_a)
    client.force_login(alice)
    response = client.get(f"/beneficiaires/{person.pk}/")
    assert response.status_code == 200
    assert _no_store(response)


def test_an_htmx_fragment_is_not_stored(client, alice, partner_a):
    BeneficiaryFactory(organisation=partner_a)
    client.force_login(alice)
    response = client.get("/beneficiaires/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert _no_store(response)


def test_an_export_is_not_stored(client, alice, partner_a):
    BeneficiaryFactory(organisation=partner_a)
    client.force_login(alice)
    response = client.get("/exports/beneficiaires.csv")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert _no_store(response)


def test_api_answers_are_not_stored(alice, partner_a):
    BeneficiaryFactory(organisation=partner_a)
    api = APIClient()
    api.force_authenticate(user=alice)  # as a token does: inside the view, not the middleware
    response = api.get("/api/v1/beneficiaries/")
    assert response.status_code == 200
    assert _no_store(response)
    refused = APIClient().get("/api/v1/beneficiaries/")
    assert refused.status_code == 401
    assert _no_store(refused)


def test_sign_in_page_and_static_files_keep_their_caching(client, alice, settings):
    settings.WHITENOISE_USE_FINDERS = True
    assert not _no_store(client.get("/accounts/login/"))  # no personal data: anonymous
    client.force_login(alice)
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


# --- Production: https, HSTS, check --deploy ------------------------------------------------------

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECRET_PLACEHOLDER = re.compile(r"<[^>]*>")


def production_environment() -> dict[str, str]:
    """The README's "Production environment" block, variable by variable, with a fresh
    50-character secret key in place of its placeholder."""
    section = README.split("## Production environment", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    environ = {}
    for line in block.splitlines():
        name, value = line.split("=", 1)
        environ[name] = value
    assert SECRET_PLACEHOLDER.fullmatch(environ["SECRET_KEY"])
    environ["SECRET_KEY"] = secrets.token_urlsafe(50)[:50]
    assert SECRET_PLACEHOLDER.fullmatch(environ["ENCRYPTION_KEYS"])
    environ["ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    return environ


def _run(args: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess:
    """Our own interpreter with exactly `environ` (plus what any process needs to start)."""
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **environ, "DJANGO_SETTINGS_MODULE": "iom_cases.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_environment():
    environ = production_environment()
    assert environ["DEBUG"] == "0"
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], environ)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "ERRORS" not in output


def test_check_deploy_warns_without_the_https_settings():
    """The test above can fail: turn the redirect and HSTS off and check --deploy says so."""
    environ = {**production_environment(), "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"}
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], environ)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


PRODUCTION_KEYS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


@pytest.fixture(scope="module")
def production_security_settings() -> dict:
    """The https settings the production environment gives (read in a fresh interpreter)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{k: getattr(settings, k) for k in {PRODUCTION_KEYS!r}}}))"
    )
    result = _run(["-c", code], production_environment())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_redirects_to_https_and_sends_hsts(client, db, production_security_settings):
    assert production_security_settings["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    with override_settings(**production_security_settings):
        plain = client.get("/accounts/login/")
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/accounts/login/"
        assert "Strict-Transport-Security" not in plain  # HSTS only means something over https

        behind_proxy = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
        assert behind_proxy.status_code == 200
        assert behind_proxy["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

        # The container's health check speaks plain http from inside.
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok"}


def test_tests_run_on_plain_http(client, db, settings):
    """The test settings turn the redirect off (settings_test.py), or every test would get 301."""
    assert settings.SECURE_SSL_REDIRECT is False
    assert client.get("/accounts/login/").status_code == 200
