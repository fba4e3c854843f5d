from django.urls import path

from security import views
from security.oauth import views as oauth_views

app_name = "security"

urlpatterns = [
    path("<slug:org_name>/admin/security/", views.security_page, name="security"),
    path("<slug:org_name>/admin/security/scim/enable/", views.enable_scim, name="enable_scim"),
    path("<slug:org_name>/admin/security/scim/confirm/", views.confirm_scim, name="confirm_scim"),
    path("<slug:org_name>/admin/security/scim/manage/", views.manage_scim, name="manage_scim"),
    path("<slug:org_name>/admin/security/scim/client-secret/", views.regenerate_client_secret, name="regenerate_client_secret"),
    path("<slug:org_name>/admin/security/scim/bearer-tokens/", views.issue_bearer_token, name="issue_bearer_token"),
    path(
        "<slug:org_name>/admin/security/scim/bearer-tokens/<str:prefix>/revoke/",
        views.revoke_bearer_token,
        name="revoke_bearer_token",
    ),
    path("<slug:org_name>/admin/security/scim/remove/", views.remove_scim, name="remove_scim"),
    path(
        "<slug:org_name>/identity_/connect/authorize",
        oauth_views.OrganizationAuthorizationView.as_view(),
        name="oauth_authorize",
    ),
    path("<uuid:org_id>/identity_/connect/token", oauth_views.OrganizationTokenView.as_view(), name="oauth_token"),
]
