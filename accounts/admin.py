from django.contrib import admin

from accounts.models import Group, Membership, Organization, Person


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "display_name", "plan", "created_at"]
    search_fields = ["name", "display_name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["user_name", "organization", "display_name", "active", "source", "updated_at"]
    list_filter = ["active", "source"]
    search_fields = ["user_name", "email", "external_id"]
    raw_id_fields = ["organization", "user"]
    list_select_related = ["organization"]


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["person"]
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "kind"]
    list_filter = ["kind"]
    raw_id_fields = ["organization"]
    inlines = [MembershipInline]
