"""The site's URLs plus one page that fails, for the server error page's tests."""

from django.urls import path

from iom_cases.urls import handler500  # noqa: F401 - the site's own 500 page
from iom_cases.urls import urlpatterns as site_urlpatterns


def broken_page(request):
    raise RuntimeError("a bug in a page")


urlpatterns = [path("en-panne/", broken_page), *site_urlpatterns]
