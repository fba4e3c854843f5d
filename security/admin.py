from django.contrib import admin

from security.models import ScimBearerToken, ScimConnection, ScimOAuthClient


@admin.register(ScimConnection)
class ScimConnectionAdmin(admin.ModelAdmin):
    list_display = ["organization", "method", "status", "configured_at", "last_called_at"]
    list_filter = ["status", "method"]
    raw_id_fields = ["organization", "configured_by"]


@admin.register(ScimBearerToken)
class ScimBearerTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "organization", "created_at", "last_used_at", "expires_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    raw_id_fields = ["organization", "created_by"]


@admin.register(ScimOAuthClient)
class ScimOAuthClientAdmin(admin.ModelAdmin):
    list_display = ["organization", "application", "authorized_by_user_name", "authorized_at", "secret_created_at"]
    readonly_fields = ["application", "token_owner", "authorized_by_user_name", "authorized_at", "secret_created_at"]
    raw_id_fields = ["organization"]
