from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Linkwright portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import postgres_values, start_up
        from portal.services import sign_in  # noqa: F401  (connects the sign-in signal)

        postgres_values.connect()
        start_up.resume()  # the last app: start-up is over (see portal.start_up)
