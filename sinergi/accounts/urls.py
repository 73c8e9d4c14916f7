from django.urls import path

from sinergi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
]
