"""The console's 群众常用说法 page (/console/synonyms/): staff who edit a list add, change and remove the words
residents type; each change is an event, a refusal names the field and writes nothing, and a search
follows at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.catalog.models import SearchSynonym
from sunlit.core.models import Event
from tests import factories
from tests.console.test_tokens_page import as_user

pytestmark = pytest.mark.django_db

PAGE = "/console/synonyms/"


def test_the_page_needs_a_login(db: None) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_an_editor_adds_a_word_and_residents_search_with_it(editor: User, reviewer: User, county: dict) -> None:
    factories.published(county["land"], editor, reviewer, name="采矿许可证核发")
    response = as_user(editor).post(PAGE, {"phrase": "挖矿", "words": "采矿，矿产"}, follow=True)
    assert "已添加：挖矿 → 采矿、矿产" in response.content.decode()
    assert Event.objects.filter(action="catalog.synonym.create").count() == 1
    results = Client().get("/powers/", {"q": "挖矿"}).content.decode()
    assert "也为您查找了：<strong>采矿</strong>、<strong>矿产</strong>" in results
    assert "<mark>采矿</mark>许可证核发" in results


def test_a_word_is_changed_and_removed(editor: User, county: dict) -> None:
    synonym = SearchSynonym.objects.create(phrase="挖矿", words="采矿")
    client = as_user(editor)
    client.post(f"{PAGE}{synonym.pk}/change/", {"words": "矿产 采砂"})
    assert SearchSynonym.objects.get(pk=synonym.pk).words == "矿产、采砂"
    client.post(f"{PAGE}{synonym.pk}/delete/")
    assert not SearchSynonym.objects.filter(pk=synonym.pk).exists()
    assert [e.action for e in Event.objects.filter(object_type="catalog.searchsynonym").order_by("pk")] == [
        "catalog.synonym.change", "catalog.synonym.delete"]


def test_a_refusal_names_the_field_and_keeps_what_was_typed(editor: User, county: dict) -> None:
    before = SearchSynonym.objects.count()
    response = as_user(editor).post(PAGE, {"phrase": "开矿", "words": "、"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写至少一个也查找的清单用语" in page and 'value="开矿"' in page
    assert 'name="words" maxlength="200" required value="、" aria-invalid="true"' in page
    assert SearchSynonym.objects.count() == before


def test_staff_without_an_editing_role_are_refused(county: dict) -> None:
    supervisor = factories.staff("jw", county["land"], factories.Role.SUPERVISOR)
    response = as_user(supervisor).post(PAGE, {"phrase": "开矿", "words": "采矿"})
    assert "只有清单编制人员或管理员可以维护群众常用说法" in response.content.decode()
    assert not SearchSynonym.objects.filter(phrase="开矿").exists()
