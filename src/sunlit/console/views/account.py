"""A staff member's own account: logging in (refused while locked out, core.lockout) and their API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sunlit.core.errors import DomainError
from sunlit.core.models import TOKEN_DAYS, TOKEN_DAYS_MAX
from sunlit.org import selectors, services
from sunlit.org.forms import LoginForm


class Login(auth_views.LoginView):
    template_name = "console/login.html"
    authentication_form = LoginForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429
        return response


@never_cache  # the page that shows a new token once must not stay in a cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"name": "", "days": TOKEN_DAYS, "max_days": TOKEN_DAYS_MAX}
    status = 200
    if request.method == "POST":
        name, days = request.POST.get("name", ""), request.POST.get("days", "")
        try:
            issued, raw = services.api_token_issue(user=request.user, name=name, actor=request.user,
                                                   days=int(days) if days.strip().isdigit() else 0)
            context.update(issued=issued, raw=raw)
        except DomainError as exc:
            context.update(error=exc.message, name=name[:100], days=days[:6])
            status = 400
    context["tokens"] = selectors.api_tokens(user=request.user)
    return render(request, "console/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.own_api_token(viewer=request.user, token_id=token_id)
    if token is None:
        raise Http404("令牌不存在")
    try:
        services.api_token_revoke(token=token, actor=request.user)
        messages.success(request, f"令牌「{token.name}」已吊销")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:tokens")
