import pytest


@pytest.mark.parametrize("language,direction", [("fr", "ltr"), ("en", "ltr"), ("ar", "rtl")])
def test_pages_follow_the_language_and_its_direction(client, db, language, direction):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert f'dir="{direction}"' in html


def test_french_is_the_default(client, db):
    response = client.get("/accounts/login/")
    assert 'lang="fr"' in response.content.decode()


def test_language_switcher_sets_the_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert 'dir="rtl"' in client.get("/accounts/login/").content.decode()
