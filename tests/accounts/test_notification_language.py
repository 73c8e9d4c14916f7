"""Notifications and their e-mails are written in the recipient's language, the one they
last chose on the site, not in the language of whoever caused them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from sinergi.accounts.models import Notification, User
from sinergi.accounts.notify import Text, notify

pytestmark = pytest.mark.django_db


def test_the_language_chosen_on_the_site_is_kept_for_a_signed_in_user(client_for):
    client = client_for("mitra.disnaker")
    assert User.objects.get(username="mitra.disnaker").language == ""  # not chosen yet
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert User.objects.get(username="mitra.disnaker").language == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # not a language of ours
    assert User.objects.get(username="mitra.disnaker").language == "en"


def test_an_anonymous_visitor_changes_language_without_an_account(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/publik/"})
    assert response.status_code == 302 and response.cookies["sinergi_language"].value == "en"


def test_each_recipient_reads_a_notification_in_their_own_language(demo_world):
    english, indonesian = User.objects.filter(username__in=["mitra.disnaker", "mitra.dukcapil"])
    User.objects.filter(pk=english.pk).update(language="en")
    english.refresh_from_db()
    with translation.override("id"):  # the sender works in Indonesian
        notify(
            [english, indonesian],
            title=Text(
                gettext_lazy("Agreement expires on %(date)s: %(title)s"),
                date=datetime.date(2027, 1, 31),
                title="PKS pelatihan",
            ),
        )
    titles = dict(Notification.objects.values_list("user__username", "title"))
    assert titles[english.username] == "Agreement expires on 31 January 2027: PKS pelatihan"
    assert titles[indonesian.username].startswith("Perjanjian")
    assert "31 Januari 2027" in titles[indonesian.username]


def test_a_plain_text_is_stored_as_it_is(demo_world):
    user = User.objects.get(username="mitra.disnaker")
    notify([user], title="Teks tetap")
    assert Notification.objects.get().title == "Teks tetap"


def test_signing_in_on_a_new_device_opens_the_site_in_the_users_language(demo_world, client):
    User.objects.filter(username="mitra.disnaker").update(language="en")
    response = client.post(
        "/accounts/login/", {"login": "mitra.disnaker", "password": "sinergi-demo"}
    )
    assert response.status_code == 302
    assert response.cookies["sinergi_language"].value == "en"
    assert client.get("/").content.decode().startswith('<!DOCTYPE html>\n<html lang="en">')


def test_a_language_chosen_on_the_device_before_signing_in_is_kept(demo_world, client):
    User.objects.filter(username="mitra.disnaker").update(language="en")
    client.cookies["sinergi_language"] = "id"
    response = client.post(
        "/accounts/login/", {"login": "mitra.disnaker", "password": "sinergi-demo"}
    )
    assert "sinergi_language" not in response.cookies
    assert User.objects.get(username="mitra.disnaker").language == "id"


def test_a_user_who_never_chose_sees_indonesian_in_an_english_browser(demo_world, client):
    response = client.post(
        "/accounts/login/",
        {"login": "mitra.disnaker", "password": "sinergi-demo"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "sinergi_language" not in response.cookies
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.startswith('<!DOCTYPE html>\n<html lang="id">')
    assert User.objects.get(username="mitra.disnaker").reading_language == "id"
