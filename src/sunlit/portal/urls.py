from django.urls import path, re_path

from sunlit.portal import cases, decisions, opendata, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("powers/", views.power_list, name="power_list"),
    path("powers/<int:item_id>/", views.power_detail, name="power_detail"),
    path("powers/<int:item_id>/apply/", cases.apply, name="apply"),
    path("cases/", cases.lookup, name="case_lookup"),
    path("cases/<str:receipt>/", cases.progress, name="case"),
    path("cases/<str:receipt>/rate/", cases.rate, name="case_rate"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("units/<str:code>/flows/<str:category>/", views.unit_flow, name="unit_flow"),
    path("decisions/", decisions.index, name="decisions"),
    path("decisions/<int:publication_id>/", decisions.decision, name="decision"),
    path("decisions/consultations/<int:consultation_id>/", decisions.consultation, name="consultation"),
    path("meetings/<int:meeting_id>/draw/", decisions.meeting_draw, name="meeting_draw"),
    path("meetings/redo_draw.py", decisions.draw_script, name="draw_script"),
    path("verify/", views.verify_help, name="verify"),
    path("verify/offline.html", views.verifier_download, name="verifier_download"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("units/<str:code>/powers/print/", views.unit_print, name="unit_print"),
    # Open data (开放数据): stable addresses, each dataset as .csv and .json.
    path("data/", opendata.index, name="open_data"),
    re_path(r"^data/units\.(?P<fmt>csv|json)$", opendata.units, name="data_units"),
    re_path(r"^data/officials\.(?P<fmt>csv|json)$", opendata.officials, name="data_officials"),
    re_path(r"^data/powers\.(?P<fmt>csv|json)$", opendata.powers, name="data_powers"),
    re_path(r"^data/powers/(?P<item_id>[0-9]+)/history\.(?P<fmt>csv|json)$", opendata.history, name="data_history"),
]
