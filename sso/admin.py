from django.contrib import admin

from sso.models import SamlConfiguration, SamlIdentity


@admin.register(SamlConfiguration)
class SamlConfigurationAdmin(admin.ModelAdmin):
    list_display = ["organization", "status", "idp_entity_id", "activated_at", "deactivated_at", "updated_at"]
    list_filter = ["status"]
    # Status changes go through the Security page, which records who made them.
    readonly_fields = ["status", "activated_at", "activated_by", "deactivated_at", "deactivated_by", "updated_by"]


@admin.register(SamlIdentity)
class SamlIdentityAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "issuer", "subject", "last_sign_in_at"]
    search_fields = ["subject", "person__user_name"]
    raw_id_fields = ["person"]
