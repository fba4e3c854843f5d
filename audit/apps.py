from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Provisioning activity and audit trail"

    def ready(self):
        from audit import signals  # noqa: F401  (connects the sign-in receivers)
