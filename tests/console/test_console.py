import io

import openpyxl
from django.test import Client

from sunlit.catalog.models import PowerItem, VersionStatus
from sunlit.org.models import Role
from tests import factories


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_console_requires_login(county):
    response = Client().get("/console/powers/")
    assert response.status_code == 302
    assert "/console/login/" in response["Location"]


def test_login_page_speaks_chinese(db):
    assert "工作人员登录" in Client().get("/console/login/").content.decode()


def test_reviewer_approves_from_the_item_page(county, editor, reviewer):
    version = factories.draft(county["land"], editor)
    login(editor).post(f"/console/versions/{version.pk}/submit/")
    page = login(reviewer).get(f"/console/powers/{version.item_id}/").content.decode()
    assert "批准" in page
    login(reviewer).post(f"/console/versions/{version.pk}/approve/", {"comment": "同意"})
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    assert PowerItem.objects.get(pk=version.item_id).published_version_id == version.pk


def test_author_cannot_approve_own_version_in_console(county, editor):
    both = factories.staff("both", county["land"], Role.EDITOR, Role.REVIEWER)
    version = factories.draft(county["land"], both)
    client = login(both)
    client.post(f"/console/versions/{version.pk}/submit/")
    response = client.post(f"/console/versions/{version.pk}/approve/", follow=True)
    assert "审核人不能是编制人本人" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED


def test_staff_of_another_unit_cannot_see_the_item(county, editor):
    version = factories.draft(county["land"], editor)
    outsider = factories.staff("outsider", county["finance"], Role.REVIEWER)
    assert login(outsider).get(f"/console/powers/{version.item_id}/").status_code == 404
    assert login(outsider).post(f"/console/versions/{version.pk}/submit/").status_code == 404


def test_diff_shows_changed_field(county, editor, reviewer):
    from sunlit.catalog import services

    first = factories.published(county["land"], editor, reviewer)
    second = services.power_version_draft(item=first.item, content=factories.content(promised_limit=5),
                                          legal_bases=factories.LICENSING_BASIS, reason="压缩承诺时限", author=editor)
    page = login(editor).get(f"/console/powers/{second.item_id}/").content.decode()
    assert "第1版 → 第2版" in page
    assert "承诺时限" in page


def test_export_downloads_the_unit_list(county, editor, reviewer):
    factories.published(county["land"], editor, reviewer, name="农村村民建房用地审批")
    response = login(editor).get("/console/export/", {"unit": county["land"].code})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "农村村民建房用地审批" in values


def test_export_of_a_unit_without_rights_is_refused(county, editor):
    assert login(editor).get("/console/export/", {"unit": county["finance"].code}).status_code == 404
