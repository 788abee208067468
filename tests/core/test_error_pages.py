"""What people see when a page is missing, refused or broken, and the site's icon: in their
language and direction, in the site's look."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

NOT_FOUND = {
    "fr": ("Page introuvable", "Retour à l'accueil"),
    "en": ("Page not found", "Back to the home page"),
    "ar": ("الصفحة غير موجودة", "العودة إلى الصفحة الرئيسية"),
}
SERVER_ERROR = {
    "fr": "Erreur du serveur",
    "en": "Server error",
    "ar": "خطأ في الخادم",
}


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_missing_page_is_translated_and_in_the_sites_look(client, alice, language):
    client.force_login(alice)
    response = client.get("/pas-de-page-ici/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    html = response.text
    heading, back = NOT_FOUND[language]
    assert f"<h1>{heading}</h1>" in html
    assert back in html
    assert f'lang="{language}"' in html
    assert f'dir="{"rtl" if language == "ar" else "ltr"}"' in html
    assert 'class="topbar"' in html and 'class="mainnav"' in html  # the site's own header
    assert "Not Found</h1>" not in html  # not Django's bare page


def test_an_object_out_of_scope_gets_the_same_page(client, alice, charlie, partner_a):
    from tests.beneficiaries.factories import BeneficiaryFactory

    person = BeneficiaryFactory(organisation=partner_a)
    client.force_login(charlie)
    response = client.get(f"/beneficiaires/{person.pk}/")
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.text


def test_anonymous_visitor_gets_the_missing_page_too(client, db):
    response = client.get("/pas-de-page-ici/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 404
    assert f"<h1>{NOT_FOUND['ar'][0]}</h1>" in response.text
    assert 'dir="rtl"' in response.text


def test_refused_page_says_why_in_the_sites_look(client, alice):
    client.force_login(alice)
    response = client.get("/rapports/qualite/")
    assert response.status_code == 403
    assert "<h1>Accès réservé</h1>" in response.text
    assert "Réservé aux chargé·es de l&#x27;OIM." in response.text
    assert 'class="topbar"' in response.text


@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_server_error_page_is_translated_and_self_contained(client, alice, settings, language):
    assert settings.DEBUG is False
    client.raise_request_exception = False
    client.force_login(alice)
    response = client.get("/en-panne/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 500
    html = response.content.decode()
    assert f"<h1>{SERVER_ERROR[language]}</h1>" in html
    assert f'dir="{"rtl" if language == "ar" else "ltr"}"' in html
    assert "a bug in a page" not in html  # nothing of the error reaches the visitor
    assert "<style>" in html and "/static/" not in html  # needs no static file


def test_server_error_page_renders_without_a_request_or_database():
    """Django renders 500.html with an empty context: no request, no context processors; and
    no database here (pytest-django refuses any query), as when the database is what failed."""
    with translation.override("ar"):
        html = render_to_string("500.html")
    assert f"<h1>{SERVER_ERROR['ar']}</h1>" in html
    assert 'dir="rtl"' in html


def test_favicon_is_linked_and_answers(client, db, settings):
    # Served from the app's static files as in production (there, after collectstatic).
    settings.WHITENOISE_USE_FINDERS = True
    page = client.get("/accounts/login/").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico", follow=True)
    assert response.redirect_chain == [("/static/favicon.svg", 302)]
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)
