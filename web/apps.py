from django.apps import AppConfig


class WebConfig(AppConfig):
    """The top of the layers (README, "Architecture"): what brings every app together for a
    signed-in person (the home page, the navigation's context) and the `demo` command, which
    fills every app. It has no models (so no name in the admin), and nothing imports it."""

    name = "web"
