from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views

urlpatterns = [
    path("", accounts_views.landing, name="landing"),
    path("admin/", admin.site.urls),
    path("", include("scim.urls")),
    path("", include("security.urls")),
    path("", include("accounts.urls")),
]
