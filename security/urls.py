from django.urls import path

from security import views

app_name = "security"

urlpatterns = [
    path("<slug:org_name>/admin/security/", views.security_page, name="security"),
]
