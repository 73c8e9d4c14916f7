from django.urls import path

from sinergi.privacy import views

app_name = "privacy"

urlpatterns = [
    path("inmates/<int:inmate_pk>/export.zip", views.export_person, name="export"),
]
