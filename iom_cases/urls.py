from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import views as core_views
from partners.views import SignInView, set_language
from web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Django's language switch (django.conf.urls.i18n), remembering a signed-in user's choice.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("iom_cases.api_urls")),
    path("", include("core.urls")),
    path("", include("partners.urls")),
    path("", include("beneficiaries.urls")),
    path("", include("assistance.urls")),
    path("", include("assistance.import_urls")),
    path("", include("cases.urls")),
    path("", include("cases.confidential_urls")),
    path("", include("capacity.urls")),
    path("", include("reporting.urls")),
    path("", include("results.urls")),
    path("", include("bilans.urls")),
    path("", include("web.audit.urls")),
]

# Django's 500 page, with its inline <style> allowed by hash by the Content-Security-Policy.
handler500 = core_views.server_error
