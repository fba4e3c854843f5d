from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("<slug:org_name>/admin/security/provisioning-activity/", views.provisioning_activity, name="provisioning"),
    path(
        "<slug:org_name>/admin/security/provisioning-activity/<int:event_id>/",
        views.provisioning_event,
        name="provisioning_event",
    ),
    path("<slug:org_name>/admin/security/audit-log/", views.audit_log, name="audit_log"),
]
