"""Mounted at /log/: the tlog-tiles tree (checkpoint, tile/…), the key, proofs, leaves."""

from django.urls import path

from sunlit.record import views

app_name = "record"
urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.key, name="key"),
    path("tile/<path:rest>", views.tile, name="tile"),
    path("proof/<int:index>", views.proof, name="proof"),
    path("consistency/<int:size1>", views.consistency, name="consistency_latest"),
    path("consistency/<int:size1>/<int:size2>", views.consistency, name="consistency"),
    path("leaf/<int:index>", views.leaf, name="leaf"),
    path("leaf/<int:index>/document", views.document, name="document"),
]
