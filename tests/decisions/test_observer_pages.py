"""The observer pool's page (旁听人员库), kept by the party office: a person added with a pool code, a category, the
topics they may observe, a contact and the units they are related to. Only the pool's keepers open it; what
the log keeps of a person (and so what the public can ever see) is the code, never the name or contact."""

from __future__ import annotations

from typing import Any

import pytest

from sunlit.core.models import Event
from sunlit.decisions.models import Observer
from tests.decisions.conftest import Council
from tests.decisions.test_sponsor_pages import client_for, error_beside

pytestmark = pytest.mark.django_db

PERSON = {"observer-code": "OBS-0042", "observer-name": "王建国", "observer-category": "resident",
          "observer-topics": ["construction", "livelihood"], "observer-contact": "13907970042",
          "observer-conflict_units": "YD-ZRZY，YD-CZ"}


def add(council: Council, **changes: Any) -> Any:
    return client_for(council.secretary).post("/console/observers/", {**PERSON, **changes}, follow=True)


def test_the_party_office_adds_a_person_to_the_pool(council: Council) -> None:
    page = add(council).content.decode()
    assert "已将OBS-0042加入旁听人员库" in page
    assert "王建国" in page and "城乡建设、民生保障" in page and "YD-CZ、YD-ZRZY" in page
    person = Observer.objects.get()
    assert (person.code, person.category, person.topics, person.conflict_units) == (
        "OBS-0042", "resident", ["construction", "livelihood"], ["YD-CZ", "YD-ZRZY"])
    logged = Event.objects.get(action="decisions.observer.add")
    assert "王建国" not in str(logged.after) and "13907970042" not in str(logged.after)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"observer-code": "观察员42"}, "code", "库内编号应为字母、数字和 - . _ 组成（如 OBS-0042），至多32位"),
    ({"observer-conflict_units": "YD-XX"}, "conflict_units", "没有编码为YD-XX的单位"),
    ({"observer-name": ""}, "name", "请填写姓名"),
])
def test_a_person_is_refused_beside_the_field_at_fault(council: Council, changes: dict[str, str], field: str,
                                                       message: str) -> None:
    answer = client_for(council.secretary).post("/console/observers/", {**PERSON, **changes})
    assert answer.status_code == 400
    assert error_beside(answer.content.decode(), f"id_observer-{field}") == message
    assert not Observer.objects.exists()


def test_a_person_without_topics_is_refused(council: Council) -> None:
    answer = client_for(council.secretary).post("/console/observers/", {**PERSON, "observer-topics": []})
    assert '<span class="small field-error" id="id_observer-topics-error">请选择可旁听议题</span>' in answer.content.decode()
    assert not Observer.objects.exists()


def test_a_pool_code_is_used_once(council: Council) -> None:
    add(council)
    answer = client_for(council.secretary).post("/console/observers/", {**PERSON, "observer-name": "李四"})
    assert error_beside(answer.content.decode(), "id_observer-code") == "库内编号OBS-0042已被使用"
    assert list(Observer.objects.values_list("name", flat=True)) == ["王建国"]


def test_only_the_pools_keepers_open_it(council: Council) -> None:
    add(council)
    for user in (council.sponsor, council.lawyer):
        client = client_for(user)
        assert client.get("/console/observers/").status_code == 403
        assert client.post("/console/observers/", {**PERSON, "observer-code": "OBS-0043"}).status_code == 403
    assert Observer.objects.count() == 1
