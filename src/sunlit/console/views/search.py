"""群众常用说法 (/console/synonyms/): the words residents type and the list's words they stand for. Staff
who edit a power list add, change and remove them; every change goes through catalog.search.synonyms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sunlit.catalog.models import SearchSynonym
from sunlit.catalog.search import synonyms
from sunlit.core.errors import DomainError


@login_required
@require_http_methods(["GET", "POST"])
def synonym_list(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"phrase": "", "words": ""}
    status = 200
    if request.method == "POST":
        phrase, words = request.POST.get("phrase", ""), request.POST.get("words", "")
        try:
            added = synonyms.synonym_create(phrase=phrase, words=words, actor=request.user)
            messages.success(request, f"已添加：{added}")
            return redirect("console:synonyms")
        except DomainError as exc:
            context.update(error=exc.message, error_field=exc.field, phrase=phrase[:40], words=words[:200])
            status = 400
    context["synonyms"] = SearchSynonym.objects.order_by("phrase")
    return render(request, "console/synonyms.html", context, status=status)


@login_required
@require_POST
def synonym_action(request: HttpRequest, synonym_id: int, action: str) -> HttpResponse:
    synonym = SearchSynonym.objects.filter(pk=synonym_id).first()
    if synonym is None or action not in {"change", "delete"}:
        raise Http404("该说法不存在")
    try:
        if action == "delete":
            synonyms.synonym_delete(synonym=synonym, actor=request.user)
            messages.success(request, f"已删除：{synonym.phrase}")
        else:
            changed = synonyms.synonym_change(synonym=synonym, phrase=synonym.phrase,
                                              words=request.POST.get("words", ""), actor=request.user)
            messages.success(request, f"已保存：{changed}")
    except DomainError as exc:
        messages.error(request, f"{synonym.phrase}：{exc.message}")
    return redirect("console:synonyms")
