from django.contrib.auth import views as auth_views
from django.urls import path

from sunlit.console.views import (
    account,
    cases,
    dashboard,
    flows,
    org,
    powers,
    printed,
    risks,
    supervision,
    transfer,
)

app_name = "console"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", account.Login.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("tokens/", account.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", account.token_revoke, name="token_revoke"),
    path("powers/", powers.power_list, name="power_list"),
    path("powers/<int:item_id>/", powers.power_detail, name="power_detail"),
    path("powers/<int:item_id>/cancel/", powers.power_cancel, name="power_cancel"),
    path("versions/<int:version_id>/<str:action>/", powers.version_action, name="version_action"),
    path("import/", transfer.import_powers, name="import"),
    path("export/", transfer.export_powers, name="export"),
    path("compliance/", org.compliance, name="compliance"),
    path("risks/", risks.ledger, name="risks"),
    path("risks/export/", risks.export, name="risks_export"),
    path("units/<str:code>/handbook.pdf", printed.handbook, name="handbook"),
    path("units/<str:code>/officials-board.pdf", printed.officials_board, name="officials_board"),
    path("powers/<int:item_id>/flow-board.pdf", printed.flow_board, name="flow_board"),
    path("powers/<int:item_id>/flow/", flows.flow_page, name="flow"),
    path("powers/<int:item_id>/flow/<int:version_id>/chart.svg", flows.flow_chart, name="flow_chart"),
    path("powers/<int:item_id>/flow/<int:version_id>/flow.bpmn", flows.flow_bpmn, name="flow_bpmn"),
    path("powers/<int:item_id>/flow/<int:version_id>/<str:action>/", flows.flow_action, name="flow_action"),
    path("board/", supervision.board, name="board"),
    path("board/cards/", supervision.cards, name="board_cards"),
    path("board/cards/<int:card_id>/<str:action>/", supervision.card_action, name="board_card_action"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/<str:receipt>/", cases.case_detail, name="case"),
    path("cases/<str:receipt>/slip/", cases.case_slip, name="case_slip"),
    path("cases/<str:receipt>/materials/<int:material_id>/", cases.case_material, name="case_material"),
    path("cases/<str:receipt>/<str:action>/", cases.case_action, name="case_action"),
]
