"""Mounted at the site root: the submission prefix of Sunlit's witness is the site's own URL."""

from django.urls import path

from sunlit.witness import views

app_name = "witness"
urlpatterns = [
    path("add-checkpoint", views.add_checkpoint, name="add_checkpoint"),
    path("witness/key", views.key, name="key"),
]
