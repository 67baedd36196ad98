"""Journey 0: every role signs in and sees its own navigation; a wrong password gets a French error."""

import pytest

from tests.e2e.conftest import capture, check_page, sign_in

EXPECTED = {
    "admin": (["Utilisateurs", "Journal"], []),
    "coordinator": ([], ["Utilisateurs", "Journal"]),
    "trainer": ([], ["Utilisateurs", "Journal"]),
    "manager": ([], ["Utilisateurs", "Journal"]),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_signs_in_and_sees_its_navigation(page, make_user, role):
    email = f"e2e.{role}@test.fr"
    make_user(role, email=email)
    sign_in(page, email)
    check_page(page)
    assert page.get_by_text("Vous êtes connecté·e en tant que").first.is_visible()
    navigation = page.locator("#navigation, nav.fr-nav").first.inner_text()
    shown, hidden = EXPECTED[role]
    for label in shown:
        assert label in navigation
    for label in hidden:
        assert label not in navigation
    if role == "admin":
        page.get_by_role("link", name="Utilisateurs").first.click()
        check_page(page)
        capture(page, "admin-utilisateurs")


def test_wrong_password_shows_a_french_error(page, make_user):
    make_user("coordinator", email="e2e.erreur@test.fr")
    sign_in(page, "e2e.erreur@test.fr", "ce-n-est-pas-le-bon")
    check_page(page)
    assert page.get_by_text("Adresse électronique ou mot de passe incorrect").first.is_visible()
    assert page.get_by_label("Adresse électronique").input_value() == "e2e.erreur@test.fr"
    capture(page, "connexion-erreur")


def test_phone_layout_has_a_menu_button(phone_page, make_user):
    make_user("coordinator", email="e2e.mobile@test.fr")
    sign_in(phone_page, "e2e.mobile@test.fr")
    check_page(phone_page)
    menu = phone_page.get_by_role("button", name="Menu")
    assert menu.is_visible()
    menu.click()
    check_page(phone_page)
    capture(phone_page, "accueil-mobile-menu")


def test_sign_in_with_the_keyboard_alone(page, make_user):
    make_user("manager", email="e2e.clavier@test.fr")
    page.goto("/connexion")
    check_page(page)
    # The first Tab reaches the skip links, which lead to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Aller au contenu"
    page.get_by_label("Adresse électronique").focus()
    page.keyboard.type("e2e.clavier@test.fr")
    page.keyboard.press("Tab")
    page.keyboard.type("mot-de-passe-de-test-2026")
    with page.expect_navigation(url="**/"):
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    check_page(page)
    assert page.get_by_text("Vous êtes connecté·e en tant que").first.is_visible()
