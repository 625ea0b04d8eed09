from django.contrib import admin
from django.urls import include, path

from sunlit.api.api import api, openapi_document
from sunlit.org.forms import AdminLoginForm

admin.site.login_form = AdminLoginForm  # says when a login is locked out (core.lockout)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/openapi.json", openapi_document),  # before api.urls: it takes this address
    path("api/v1/", api.urls),
    path("console/", include("sunlit.console.urls")),
    path("log/", include("sunlit.record.urls")),
    path("", include("sunlit.witness.urls")),
    path("", include("sunlit.portal.urls")),
]

# Error pages in Chinese, for the portal and the console (the API keeps its JSON shape): core.failures.
# handler500 also takes an exception outside any view (a session saved as the response leaves).
handler400 = "sunlit.core.failures.bad_request"
handler403 = "sunlit.core.failures.permission_denied"
handler404 = "sunlit.core.failures.page_not_found"
handler500 = "sunlit.core.failures.server_error"
