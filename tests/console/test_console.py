import io
import re

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
    assert f'action="/console/versions/{version.pk}/approve/"' in page
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
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def diff_rows(page: str) -> list[tuple[str, str, str]]:
    """The diff table as (field, old, new) in the words on the page."""
    table = page.split('class="list responsive diff"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td data-label="字段">(.*?)</td>\s*<td data-label="原"><del>(.*?)</del></td>\s*'
                      r'<td data-label="新"><ins>(.*?)</ins></td>', table)


def test_diff_shows_the_changed_field_with_its_old_and_new_value(county, editor, reviewer):
    from sunlit.catalog import services

    first = factories.published(county["land"], editor, reviewer)
    second = services.power_version_draft(item=first.item, content=factories.content(promised_limit=5),
                                          legal_bases=factories.LICENSING_BASIS, reason="压缩承诺时限", author=editor)
    page = login(editor).get(f"/console/powers/{second.item_id}/").content.decode()
    assert "第1版 → 第2版" in page
    assert diff_rows(page) == [("承诺时限", "10个工作日", "5个工作日")]


def test_export_downloads_the_unit_list(county, editor, reviewer):
    factories.published(county["land"], editor, reviewer, name="农村村民建房用地审批")
    response = login(editor).get("/console/export/", {"unit": county["land"].code})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "农村村民建房用地审批" in values


def test_the_working_export_holds_the_pending_change_with_its_status_and_the_default_does_not(county, editor, reviewer):
    from sunlit.catalog import services
    published = factories.published(county["land"], editor, reviewer, name="农村村民建房用地审批")
    services.power_version_draft(item=published.item, content=factories.content(name="改名待审"),
                                 legal_bases=factories.LICENSING_BASIS, reason="更名", author=editor, submit=True)
    client = login(editor)

    def cells(**params):
        response = client.get("/console/export/", {"unit": county["land"].code, **params})
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return response, [c.value for row in book.active.iter_rows() for c in row]

    published_list, values = cells()
    working, working_values = cells(working="1")
    assert "改名待审" not in values and "农村村民建房用地审批" in values
    assert "改名待审" in working_values and "待审核" in working_values
    assert "工作稿" in working["Content-Disposition"] or "%E5%B7%A5%E4%BD%9C%E7%A8%BF" in working["Content-Disposition"]


def test_export_of_a_unit_without_rights_is_refused(county, editor):
    assert login(editor).get("/console/export/", {"unit": county["finance"].code}).status_code == 404


def _sheet(rows: list[list[object]]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "清单.xlsx"
    return buffer


def test_upload_shows_the_report_and_dry_run_writes_nothing(county, editor):
    rows = [
        ["县自然资源局权力清单"],
        ["序号", "权力编码", "权力名称", "职权类型", "法律法规依据", "办理时限"],
        [1, "XK-101", "乡村建设规划许可", "行政许可", "《中华人民共和国城乡规划法》第四十一条", "20个工作日"],
        [2, "XK-102", "", "行政许可", "《中华人民共和国城乡规划法》第四十一条", "20个工作日"],
    ]
    client = login(editor)
    page = client.post("/console/import/", {"unit": county["land"].code, "file": _sheet(rows), "dry_run": "1"},
                       follow=True)
    text = page.content.decode()
    assert "试导入" in text and "第4行" in text and "缺少事项名称" in text
    assert not PowerItem.objects.exists()
    client.post("/console/import/", {"unit": county["land"].code, "file": _sheet(rows)})
    assert list(PowerItem.objects.values_list("code", flat=True)) == ["XK-101"]


def test_upload_to_a_unit_without_edit_right_is_refused(county, editor):
    rows = [["序号", "事项编码", "事项名称", "权力类型"], [1, "QT-1", "内部事项", "财务"]]
    page = login(editor).post("/console/import/", {"unit": county["finance"].code, "file": _sheet(rows)})
    assert "请选择您有编制权限的单位" in page.content.decode()
    assert not PowerItem.objects.exists()


def test_import_page_tells_a_reviewer_why_there_is_no_unit_to_choose(county, reviewer):
    page = login(reviewer).get("/console/import/").content.decode()
    assert "您没有任何单位的编制（承办人）权限" in page
    assert 'type="file"' not in page
