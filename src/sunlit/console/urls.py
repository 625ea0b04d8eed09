from django.contrib.auth import views as auth_views
from django.urls import path

from sunlit.console import views

app_name = "console"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(template_name="console/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("powers/", views.power_list, name="power_list"),
    path("powers/<int:item_id>/", views.power_detail, name="power_detail"),
    path("powers/<int:item_id>/cancel/", views.power_cancel, name="power_cancel"),
    path("versions/<int:version_id>/<str:action>/", views.version_action, name="version_action"),
    path("import/", views.import_powers, name="import"),
    path("export/", views.export_powers, name="export"),
    path("compliance/", views.compliance, name="compliance"),
]
