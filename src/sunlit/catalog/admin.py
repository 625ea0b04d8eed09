from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from sunlit.catalog.models import PowerItem, SearchSynonym
from sunlit.catalog.search import synonyms
from sunlit.org.admin import ServiceAdmin


@admin.register(PowerItem)
class PowerItemAdmin(admin.ModelAdmin):
    """Read-only in the admin: changes go through versions in the console or the API."""

    list_display = ["code", "unit", "is_cancelled"]
    list_filter = ["is_cancelled"]
    search_fields = ["code"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SearchSynonym)
class SearchSynonymAdmin(ServiceAdmin):
    """群众常用说法: saved and deleted through catalog.search.synonyms, each with its event; a refusal
    (a phrase already listed, no words) is shown on the page."""

    list_display = ["phrase", "words", "updated_at"]
    search_fields = ["phrase", "words"]
    fields = ["phrase", "words"]
    actions = None  # no bulk delete past the service

    def save_model(self, request: HttpRequest, obj: SearchSynonym, form: ModelForm, change: bool) -> None:
        if change:
            saved = synonyms.synonym_change(synonym=SearchSynonym.objects.get(pk=obj.pk), phrase=obj.phrase,
                                            words=obj.words, actor=request.user)
        else:
            saved = synonyms.synonym_create(phrase=obj.phrase, words=obj.words, actor=request.user)
        obj.pk, obj.phrase, obj.words, obj.updated_at = saved.pk, saved.phrase, saved.words, saved.updated_at
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: SearchSynonym) -> None:
        synonyms.synonym_delete(synonym=obj, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin.ModelAdmin.has_delete_permission(self, request, obj)
