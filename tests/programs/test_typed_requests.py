"""Every signed-in page of programs takes an ``AuthenticatedHttpRequest`` (its ``user``
is a Sinergi ``User``), never a cast."""

from __future__ import annotations

import inspect

from sinergi.programs import views


def test_every_signed_in_page_takes_an_authenticated_request():
    pages = {
        name: inspect.unwrap(view)
        for name, view in vars(views).items()
        if inspect.isfunction(view) and hasattr(view, "__wrapped__")
    }
    public = {"verify"}
    assert not public & set(pages)  # the public page is not behind login_required
    wrong = {
        name: page.__annotations__.get("request")
        for name, page in pages.items()
        if page.__annotations__.get("request") != "AuthenticatedHttpRequest"
    }
    assert len(pages) > 20
    assert not wrong
    assert not hasattr(views, "_user")
