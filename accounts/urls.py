from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("<slug:org_name>/", views.home, name="home"),
    path("<slug:org_name>/login/", views.OrganizationLoginView.as_view(), name="login"),
    path("<slug:org_name>/logout/", views.OrganizationLogoutView.as_view(), name="logout"),
    path("<slug:org_name>/admin/", views.admin_home, name="admin_home"),
    path("<slug:org_name>/admin/accounts/users/", views.user_list, name="users"),
    path("<slug:org_name>/admin/accounts/users/<uuid:person_id>/", views.user_detail, name="user"),
    path("<slug:org_name>/admin/accounts/groups/", views.group_list, name="groups"),
    path("<slug:org_name>/admin/accounts/groups/<uuid:group_id>/", views.group_detail, name="group"),
]
