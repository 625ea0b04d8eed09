from django.urls import path

from sunlit.portal import cases, decisions, views

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
]
