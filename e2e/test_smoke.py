from e2e.conftest import PHONE, assert_accessible, assert_fits_phone, login


def test_program_officer_signs_in_and_sees_home(new_page):
    page = new_page()
    login(page, "petugas.selong")
    assert page.url.endswith("/")
    page.screenshot(path="/tmp/home.png", full_page=True)
    assert page.locator("h1").inner_text().startswith("Selamat datang")
    assert_accessible(page)


def test_login_page_on_a_phone_in_english(new_page):
    page = new_page(viewport=PHONE, language="en")
    page.goto("/accounts/login/")
    assert "Sign in" in page.locator("h1").inner_text()
    assert_accessible(page)
    assert_fits_phone(page)
    page.screenshot(path="/tmp/login-phone.png", full_page=True)
