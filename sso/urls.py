from django.urls import path

from sso import views

app_name = "sso"

urlpatterns = [
    path("<slug:org_name>/admin/security/sso/saml/", views.saml_settings, name="settings"),
    path("<slug:org_name>/admin/security/sso/saml/activate/", views.activate, name="activate"),
    path("<slug:org_name>/admin/security/sso/saml/deactivate/", views.deactivate, name="deactivate"),
    # The service provider's endpoints name the organization by id, which never
    # changes, so the values copied into the identity provider stay valid.
    path("<uuid:org_id>/identity_/saml/metadata", views.metadata, name="metadata"),
    path("<uuid:org_id>/identity_/saml/login", views.sign_in, name="login"),
    path("<uuid:org_id>/identity_/saml/acs", views.assertion_consumer_service, name="acs"),
]
