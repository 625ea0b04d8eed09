"""申请材料: an applicant's files are accepted by what they are (PDF, JPEG, PNG, OFD), with an extension that
says the same, within a size per file and a total and count per case; a refusal names the file and the
limit and leaves nothing behind. Files lie under random names in the data folder; staff who may see the
case download them, as attachments never sniffed or cached; the public log never hears of them."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from sunlit.cases import materials, services
from sunlit.cases.models import Case, CaseMaterial
from sunlit.cases.services import case_submit
from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.record.models import LeafQueue
from tests.cases.conftest import ID_NUMBER, Office

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode."


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


OFD = zipped({
    "OFD.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" '
               b'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
               b'</ofd:DocBody></ofd:OFD>',
    "Doc_0/Document.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"/>',
})
DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def upload(name: str, data: bytes) -> tuple[str, io.BytesIO]:
    return name, io.BytesIO(data)


@pytest.fixture(autouse=True)
def store(settings: Any, tmp_path: Path) -> Path:
    """Each test's materials go to a folder of its own, so that what lies on disk can be counted."""
    settings.SUNLIT_MATERIALS_DIR = tmp_path / "materials"
    return tmp_path / "materials"


def on_disk(store: Path) -> list[Path]:
    return sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []


def submit(office: Office, files: list[Any], **more: Any) -> tuple[Case, str]:
    return case_submit(item_id=office.item.item_id, applicant_name="张三", applicant_id_number=ID_NUMBER,
                       applicant_contact="13800000000", subject="翻建住房", materials=files, **more)


def refusal(office: Office, files: list[Any]) -> str:
    with pytest.raises(DomainError) as refused:
        submit(office, files)
    assert refused.value.field == "materials"
    return refused.value.message


# ------------------------------------------------------------------------------------------- the rules

@pytest.mark.django_db
def test_a_pdf_a_jpeg_a_png_and_an_ofd_are_accepted_and_stored_under_random_names(office: Office,
                                                                                   store: Path) -> None:
    case, _ = submit(office, [upload("申请表.pdf", PDF), upload("身份证正面.JPG", JPEG),
                              upload("宅基地位置图.png", PNG), upload("村委会意见.ofd", OFD)])

    rows = list(CaseMaterial.objects.filter(case=case).order_by("id"))
    assert [(m.name, m.kind, m.size) for m in rows] == [
        ("申请表.pdf", "pdf", len(PDF)), ("身份证正面.JPG", "jpeg", len(JPEG)), ("宅基地位置图.png", "png", len(PNG)),
        ("村委会意见.ofd", "ofd", len(OFD))]
    assert [m.sha256 for m in rows] == [hashlib.sha256(d).hexdigest() for d in (PDF, JPEG, PNG, OFD)]
    files = on_disk(store)
    assert len(files) == 4
    for row, data in zip(rows, (PDF, JPEG, PNG, OFD), strict=True):
        path = store / row.file.name
        assert path.read_bytes() == data and stat.S_IMODE(path.stat().st_mode) == 0o600
        assert row.name.rsplit(".", 1)[0] not in row.file.name  # never the applicant's name as the path
    assert stat.S_IMODE(store.stat().st_mode) == 0o700


@pytest.mark.django_db
def test_without_materials_an_application_still_goes_in(office: Office, store: Path) -> None:
    case, _ = submit(office, [])
    assert case.pk and not CaseMaterial.objects.exists() and on_disk(store) == []


@pytest.mark.django_db
def test_an_executable_renamed_pdf_is_refused_naming_the_file(office: Office) -> None:
    message = refusal(office, [upload("申请表.pdf", PDF), upload("setup.pdf", EXE)])
    assert message.startswith("「setup.pdf」的内容不是PDF、JPG、PNG、OFD文件")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "said"), [
    ("照片.pdf", JPEG, "「照片.pdf」的内容是JPEG 图片，与扩展名.pdf不符，请改为.jpg后重新上传"),
    ("扫描件.jpg", PNG, "「扫描件.jpg」的内容是PNG 图片，与扩展名.jpg不符，请改为.png后重新上传"),
    ("合同.png", PDF, "「合同.png」的内容是PDF 文档，与扩展名.png不符，请改为.pdf后重新上传"),
    ("证明.pdf", OFD, "「证明.pdf」的内容是OFD 版式文档，与扩展名.pdf不符，请改为.ofd后重新上传"),
])
def test_an_extension_that_disagrees_with_the_content_is_refused(office: Office, name: str, data: bytes,
                                                                 said: str) -> None:
    assert refusal(office, [upload(name, data)]) == said


@pytest.mark.django_db
def test_a_zip_without_ofd_xml_at_its_root_is_no_ofd(office: Office) -> None:
    assert "「报告.ofd」的内容不是" in refusal(office, [upload("报告.ofd", DOCX)])
    nested = zipped({"inner/OFD.xml": b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>"})
    assert "「嵌套.ofd」的内容不是" in refusal(office, [upload("嵌套.ofd", nested)])
    assert "「坏包.ofd」的内容不是" in refusal(office, [upload("坏包.ofd", b"PK\x03\x04broken")])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["申请表.docx", "setup.exe", "说明", "scan.pdf.exe"])
def test_a_type_not_taken_is_refused_by_its_extension(office: Office, name: str) -> None:
    assert refusal(office, [upload(name, PDF)]) == f"「{name}」的格式不受支持：申请材料只接受PDF、JPG、PNG、OFD文件"


@pytest.mark.django_db
def test_an_empty_file_is_refused(office: Office) -> None:
    assert refusal(office, [upload("空白.pdf", b"")]) == "「空白.pdf」是空文件（0 字节），请重新选择"


@pytest.mark.django_db
def test_a_file_over_ten_megabytes_is_refused_naming_the_limit(office: Office) -> None:
    big = PDF + b"0" * (materials.MAX_FILE_BYTES + 1 - len(PDF))
    assert refusal(office, [upload("全部扫描.pdf", big)]) == "「全部扫描.pdf」超过单个文件10 MB的上限，请压缩或拆分后上传"
    exactly = PDF + b"0" * (materials.MAX_FILE_BYTES - len(PDF))
    case, _ = submit(office, [upload("刚好.pdf", exactly)])
    assert case.materials.get().size == materials.MAX_FILE_BYTES


@pytest.mark.django_db
def test_materials_over_the_total_for_a_case_are_refused(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(materials, "MAX_TOTAL_BYTES", 2 * 1024 * 1024)
    part = PDF + b"0" * (900 * 1024)
    files = [upload(f"第{n}册.pdf", part + bytes([n])) for n in range(1, 4)]
    message = refusal(office, files)
    assert message.startswith("申请材料合计超过2 MB的上限（加上「第3册.pdf」后为2.6 MB）")


@pytest.mark.django_db
def test_more_than_twenty_files_are_refused(office: Office) -> None:
    files = [upload(f"页{n}.png", PNG + bytes([n])) for n in range(materials.MAX_FILES + 1)]
    assert refusal(office, files) == "申请材料最多20个文件，本次选择了21个，请合并或精简后重新上传"
    case, _ = submit(office, files[:materials.MAX_FILES])
    assert case.materials.count() == materials.MAX_FILES


@pytest.mark.django_db
def test_the_same_file_twice_is_refused(office: Office) -> None:
    assert refusal(office, [upload("a.pdf", PDF), upload("b.pdf", PDF)]) == "「b.pdf」与「a.pdf」内容相同，请勿重复上传"


@pytest.mark.parametrize(("raw", "clean"), [
    ("C:\\Users\\张三\\Desktop\\申请表.pdf", "申请表.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("report\u202efdp.exe", "reportfdp.exe"),  # a right-to-left override would show it as "reportexe.pdf"
    ("  申请\t表\n.pdf  ", "申请 表.pdf"),
    ('a<b>:"c|d?*.png', "a_b___c_d__.png"),
    ("申请表.pdf. . ", "申请表.pdf"),
    (".pdf", "材料.pdf"),
    ("", "材料"),
])
def test_names_are_cleaned_before_they_are_kept(raw: str, clean: str) -> None:
    assert materials.clean_name(raw) == clean


def test_a_long_name_is_cut_keeping_its_extension() -> None:
    name = materials.clean_name("很长" * 100 + ".jpeg")
    assert len(name) == materials.MAX_NAME_LENGTH and name.endswith(".jpeg")


@given(st.text(max_size=300))
def test_a_cleaned_name_is_never_a_path_nor_hides_characters(raw: str) -> None:
    name = materials.clean_name(raw)
    assert name and len(name) <= materials.MAX_NAME_LENGTH
    assert "/" not in name and "\\" not in name and name not in (".", "..")
    assert all(ch.isprintable() or ch == " " for ch in name)


# ------------------------------------------------------------------------------------------- nothing half-written

@pytest.mark.django_db
@pytest.mark.parametrize("bad", [upload("setup.pdf", EXE), upload("空白.png", b""), upload("照片.pdf", JPEG)])
def test_a_refused_file_leaves_no_case_no_material_and_no_file(office: Office, store: Path,
                                                                bad: tuple[str, io.BytesIO]) -> None:
    events = Event.objects.count()
    with pytest.raises(DomainError):
        submit(office, [upload("申请表.pdf", PDF), upload("位置图.png", PNG), bad])
    assert Case.objects.count() == 0 and CaseMaterial.objects.count() == 0 and on_disk(store) == []
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_files_written_before_a_failure_are_removed_with_the_transaction(office: Office, store: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> None:
        assert len(on_disk(store)) == 2  # the files were written, and then the event failed
        raise RuntimeError("event store down")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        submit(office, [upload("申请表.pdf", PDF), upload("位置图.png", PNG)])
    assert Case.objects.count() == 0 and CaseMaterial.objects.count() == 0 and on_disk(store) == []


@pytest.mark.django_db
def test_the_public_log_and_the_event_carry_no_file_names(office: Office) -> None:
    LeafQueue.objects.all().delete()
    case, _ = submit(office, [upload("张三身份证正面.jpg", JPEG), upload("宅基地证明.pdf", PDF)])

    queued = list(LeafQueue.objects.all())
    everything = b"".join(bytes(q.data) + bytes(q.document or b"") for q in queued)
    for secret in ("张三身份证正面".encode(), "宅基地证明".encode(), b".jpg", JPEG, PDF):
        assert secret not in everything
    public = b"".join(bytes(q.data) + (bytes(q.document or b"") if q.document_public else b"") for q in queued)
    assert b'"what":"submit"' in public and hashlib.sha256(PDF).hexdigest().encode() not in public
    assert b"materials" not in public
    event = Event.objects.get(action="cases.case.submit", object_id=str(case.pk))
    said = json.dumps([event.after, event.note], ensure_ascii=False, default=str)
    assert "身份证" not in said and "宅基地证明" not in said
    assert event.after is not None and event.after["materials"] == {
        "count": 2, "sha256": [hashlib.sha256(JPEG).hexdigest(), hashlib.sha256(PDF).hexdigest()]}


# ------------------------------------------------------------------------------------------- pages

def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**more: Any) -> dict[str, Any]:
    return {"applicant_name": "张三", "applicant_id_number": ID_NUMBER, "applicant_contact": "13800000000",
            "subject": "翻建住房", **more}


@pytest.mark.django_db
def test_a_resident_uploads_materials_with_the_application_on_the_portal(office: Office, store: Path) -> None:
    client = Client()
    page = client.get(f"/powers/{office.item.item_id}/apply/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="materials" multiple accept=".pdf,.jpg,.jpeg,.png,.ofd"' in page

    response = client.post(f"/powers/{office.item.item_id}/apply/", form(materials=[
        SimpleUploadedFile("申请表.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("村委会意见.ofd", OFD, "application/octet-stream")]))

    assert response.status_code == 200 and "只显示这一次" in response.content.decode()
    case = Case.objects.get()
    assert [m.name for m in case.materials.order_by("id")] == ["申请表.pdf", "村委会意见.ofd"]
    assert len(on_disk(store)) == 2
    progress = client.get(f"/cases/{case.receipt}/").content.decode()
    assert "2份：申请表.pdf、村委会意见.ofd" in progress and "/materials/" not in progress


@pytest.mark.django_db
def test_a_refused_upload_is_named_beside_the_field_on_the_portal(office: Office, store: Path) -> None:
    response = Client().post(f"/powers/{office.item.item_id}/apply/", form(materials=[
        SimpleUploadedFile("申请表.pdf", PDF), SimpleUploadedFile("setup.pdf", EXE)]))

    page = response.content.decode()
    assert response.status_code == 400
    assert '<span class="small field-error" id="e-materials">「setup.pdf」的内容不是PDF、JPG、PNG、OFD文件' in page
    assert 'aria-describedby="f-materials-hint e-materials" aria-invalid="true"' in page  # read with the field
    assert 'value="张三"' in page  # what was typed stays
    assert Case.objects.count() == 0 and CaseMaterial.objects.count() == 0 and on_disk(store) == []


@pytest.mark.django_db
def test_a_portal_application_needs_no_files(office: Office, store: Path) -> None:
    response = Client().post(f"/powers/{office.item.item_id}/apply/", form())
    assert response.status_code == 200 and "只显示这一次" in response.content.decode()
    case = Case.objects.get()
    assert not case.materials.exists() and on_disk(store) == []
    event = Event.objects.get(action="cases.case.submit")
    assert event.after is not None and "materials" not in event.after


@pytest.mark.django_db
def test_a_large_upload_streams_to_a_temporary_file(office: Office, monkeypatch: pytest.MonkeyPatch,
                                                    settings: Any) -> None:
    seen: list[str] = []
    real = materials.check

    def spy(uploads: Any) -> list[materials.Checked]:
        seen.extend(type(u).__name__ for u in uploads)
        return real(uploads)

    monkeypatch.setattr(materials, "check", spy)
    big = PDF + b"0" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = Client().post(f"/powers/{office.item.item_id}/apply/", form(materials=[
        SimpleUploadedFile("大.pdf", big), SimpleUploadedFile("小.png", PNG)]))
    assert response.status_code == 200
    assert seen == ["TemporaryUploadedFile", "TemporaryUploadedFile"]  # Django decides by the request's size
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < materials.MAX_FILE_BYTES


@pytest.mark.django_db
def test_a_request_beyond_any_form_is_refused_before_it_is_read(office: Office, settings: Any) -> None:
    assert settings.SUNLIT_MAX_REQUEST_BYTES > materials.MAX_TOTAL_BYTES
    response = Client().post(f"/powers/{office.item.item_id}/apply/", form(),
                             CONTENT_LENGTH=str(settings.SUNLIT_MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413 and "提交内容过大" in response.content.decode()
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_a_clerk_enters_scanned_materials_at_the_counter(office: Office, store: Path) -> None:
    clerk = as_user(office.window)
    page = clerk.get("/console/cases/new/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'accept=".pdf,.jpg,.jpeg,.png,.ofd"' in page

    refused = clerk.post("/console/cases/new/", form(item=str(office.item.item_id), received_at="2026-11-24T09:00",
                                                     materials=[SimpleUploadedFile("户口本.png", JPEG)]))
    assert refused.status_code == 400
    assert "「户口本.png」的内容是JPEG 图片，与扩展名.png不符" in refused.content.decode()
    assert Case.objects.count() == 0 and on_disk(store) == []

    done = clerk.post("/console/cases/new/", form(item=str(office.item.item_id), received_at="2026-11-24T09:00",
                                                  materials=[SimpleUploadedFile("户口本.jpg", JPEG)]))
    assert done.status_code == 302
    assert Case.objects.get().materials.get().name == "户口本.jpg"


@pytest.mark.django_db
def test_the_case_page_lists_the_materials_and_staff_download_them(office: Office) -> None:
    case, _ = submit(office, [upload("申请表.pdf", PDF), upload("宅基地位置图.png", PNG)])
    pdf, png = case.materials.order_by("id")

    page = as_user(office.examiner).get(f"/console/cases/{case.receipt}/").content.decode()
    assert "申请表.pdf" in page and "PDF 文档" in page and "宅基地位置图.png" in page and "PNG 图片" in page
    assert f'href="/console/cases/{case.receipt}/materials/{pdf.pk}/"' in page

    response = as_user(office.examiner).get(f"/console/cases/{case.receipt}/materials/{pdf.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "no-store"
    assert as_user(office.window).get(f"/console/cases/{case.receipt}/materials/{png.pk}/")["Content-Type"] == \
        "image/png"


@pytest.mark.django_db
def test_staff_of_another_unit_get_404_and_visitors_are_sent_to_log_in(office: Office) -> None:
    case, _ = submit(office, [upload("申请表.pdf", PDF)])
    other, _ = submit(office, [upload("另一件.pdf", PDF + b"%other")])
    material = case.materials.get()
    url = f"/console/cases/{case.receipt}/materials/{material.pk}/"

    assert as_user(office.outsider).get(url).status_code == 404
    assert as_user(office.outsider).get(f"/console/cases/{case.receipt}/").status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/console/login/")
    # A material is reached only through its own case.
    assert as_user(office.window).get(f"/console/cases/{other.receipt}/materials/{material.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_material_missing_from_the_store_is_a_404(office: Office, store: Path) -> None:
    case, _ = submit(office, [upload("申请表.pdf", PDF)])
    material = case.materials.get()
    (store / material.file.name).unlink()
    assert as_user(office.window).get(f"/console/cases/{case.receipt}/materials/{material.pk}/").status_code == 404
