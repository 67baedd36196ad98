"""Journey 3 — evaluate: an attendee opens the e-mailed link on a phone, answers and submits;
a second submission is refused politely; three months later `trainer evaluations send-due`
sends the cold follow-up, which asks whether practice changed."""

from __future__ import annotations

from datetime import date, time, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from tests.conftest import find_link, message_text
from tests.e2e.conftest import capture, check_page, sign_in
from trainer.evaluations.models import EvaluationResponse, Indicator, Phase
from trainer.extensions import db
from trainer.sessions.models import Registration
from trainer.signals import session_closed

# The session ends today: the invitation goes out now, the follow-up 91 days later.
LAST_SLOT = date.today()


def _path(link: str) -> str:
    return urlsplit(link).path


def _attended(make_session, make_person, emails):
    training_session = make_session(
        slots=((LAST_SLOT - timedelta(days=1), time(9), time(12, 30)), (LAST_SLOT, time(9), time(12, 30))),
    )
    training_session.title = "Anna : repérer et accompagner les victimes"
    for index, email in enumerate(emails):
        person = make_person(
            first_name=f"Inès{index}", last_name="Participante", email=email, profession="midwife"
        )
        db.session.add(
            Registration(
                session_id=training_session.id,
                person_id=person.id,
                profession_code=person.profession_code,
                completed=True,
            )
        )
    db.session.commit()
    return training_session


def _answer_scale(page, question: str, label: str) -> None:
    page.get_by_role("radiogroup", name=question).get_by_text(label, exact=True).click()


def test_journey3_evaluation_on_a_phone(phone_page, make_session, make_person, outbox, runner):
    page = phone_page
    training_session = _attended(make_session, make_person, ["ines@exemple.fr"])
    session_closed.send(current_app._get_current_object(), training_session=training_session, actor=None)
    db.session.commit()

    # The invitation e-mail, read from the outbox.
    (invitation,) = outbox()
    assert invitation["To"] == "ines@exemple.fr"
    link = find_link(message_text(invitation), "/evaluation/")

    page.goto(_path(link))
    check_page(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Évaluation de la formation (à chaud)"
    assert page.get_by_text("Besoin d'aide ?").is_visible()  # the 3919 helpline on participant pages
    page.locator("form.app-evaluation-form").scroll_into_view_if_needed()
    page.evaluate(
        "window.scrollBy(0, document.querySelector('form.app-evaluation-form').getBoundingClientRect().top - 16)"
    )
    capture(page, "evaluation-formulaire-mobile")

    # A second tab on the same link, as when someone opens the e-mail twice.
    second = page.context.new_page()
    second.goto(_path(link))
    check_page(second)

    # Submitting without the required answers: French messages, what was typed is kept.
    page.get_by_label("Vos commentaires et suggestions").fill("Des cas pratiques très parlants.")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    check_page(page)
    assert page.get_by_text("Répondez à cette question : elle est obligatoire.").first.is_visible()
    assert (
        page.get_by_label("Vos commentaires et suggestions").input_value()
        == "Des cas pratiques très parlants."
    )
    page.evaluate("document.getElementById('erreurs-formulaire').scrollIntoView()")
    capture(page, "evaluation-formulaire-erreurs")

    _answer_scale(
        page, "Le contenu et les outils de la formation vous ont-ils satisfait·e ?", "4 – Tout à fait"
    )
    _answer_scale(
        page,
        "La formation a-t-elle amélioré vos connaissances sur les violences faites aux femmes ?",
        "3 – Plutôt oui",
    )
    page.get_by_role("radiogroup", name="Recommanderiez-vous cette formation à vos collègues ?").get_by_text(
        "Oui", exact=True
    ).click()
    assert page.locator("#avertissement-commentaires").is_visible()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    check_page(page)
    assert page.get_by_role("heading", name="Merci pour vos réponses").is_visible()
    capture(page, "evaluation-merci")

    # Submitting again from the other tab: refused politely, nothing stored.
    _answer_scale(
        second, "Le contenu et les outils de la formation vous ont-ils satisfait·e ?", "1 – Pas du tout"
    )
    _answer_scale(
        second,
        "La formation a-t-elle amélioré vos connaissances sur les violences faites aux femmes ?",
        "1 – Pas du tout",
    )
    second.get_by_role("button", name="Envoyer mes réponses").click()
    check_page(second)
    assert second.get_by_role("heading", name="Vous avez déjà répondu à ce questionnaire").is_visible()
    capture(second, "evaluation-deja-repondu")
    # Reopening the link says the same.
    page.goto(_path(link))
    check_page(page)
    assert page.get_by_role("heading", name="Vous avez déjà répondu à ce questionnaire").is_visible()

    db.session.rollback()
    (hot,) = db.session.scalars(sa.select(EvaluationResponse)).all()
    scores = {a.indicator: a.score for a in hot.answers if a.indicator}
    assert scores == {Indicator.satisfaction: 4, Indicator.knowledge: 3}
    assert hot.profession_code == "midwife"

    # Three months later, the cron job sends the cold follow-up (and only once).
    later = (LAST_SLOT + timedelta(days=91)).isoformat()
    result = runner.invoke(args=["evaluations", "send-due", "--date", later])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["evaluations", "send-due", "--date", later])
    assert "0 à froid" in again.output
    cold_messages = outbox()[1:]
    assert len(cold_messages) == 1
    assert "votre pratique a-t-elle changé" in cold_messages[0]["Subject"]
    cold_link = find_link(message_text(cold_messages[0]), "/evaluation/")

    page.goto(_path(cold_link))
    check_page(page)
    assert "à froid" in page.get_by_role("heading", level=1).inner_text()
    page.evaluate("document.querySelector('form.app-evaluation-form').scrollIntoView()")
    capture(page, "evaluation-a-froid-mobile")
    _answer_scale(
        page,
        "La formation a-t-elle changé et amélioré votre pratique professionnelle ?",
        "4 – Tout à fait",
    )
    page.get_by_role("button", name="Envoyer mes réponses").click()
    check_page(page)
    assert page.get_by_role("heading", name="Merci pour vos réponses").is_visible()

    db.session.rollback()
    cold = db.session.scalars(
        sa.select(EvaluationResponse).where(EvaluationResponse.phase == Phase.cold)
    ).one()
    assert [(a.indicator, a.score) for a in cold.answers if a.indicator] == [(Indicator.practice, 4)]


def test_coordinator_reads_the_results_and_edits_a_questionnaire(page, make_session, make_person, make_user):
    from tests.evaluations.test_results import _answer
    from trainer.evaluations.questionnaires import current_questionnaire, ensure_default_questionnaires

    ensure_default_questionnaires()
    training_session = _attended(make_session, make_person, [f"p{i}@exemple.fr" for i in range(7)])
    comments = [
        "Très utile pour ma pratique.",
        "Un film marquant.",
        None,
        None,
        "Plus de cas pratiques.",
        None,
    ]
    for index, comment in enumerate(comments):
        _answer(training_session, current_questionnaire(Phase.hot), (4, 4, 3, 4, 2, 3)[index], comment)
    for score in (4, 3, 4, 4, 3):
        _answer(training_session, current_questionnaire(Phase.cold), score)
    db.session.commit()
    make_user("coordinator", email="e2e.coordination@test.fr")

    sign_in(page, "e2e.coordination@test.fr")
    check_page(page)
    page.get_by_role("link", name="Évaluations").first.click()
    check_page(page)
    assert page.get_by_role("heading", name="Résultats des évaluations").is_visible()
    capture(page, "evaluation-resultats")

    page.get_by_role("link", name=training_session.title).click()
    check_page(page)
    assert page.get_by_role("img", name="Répartition des réponses par question").first.is_visible()
    assert page.get_by_text("Un film marquant.").is_visible()
    capture(page, "evaluation-resultats-session")
    page.locator("#phase-hot").scroll_into_view_if_needed()
    capture(page, "evaluation-resultats-graphique")

    page.goto("/evaluations/questionnaires")
    check_page(page)
    page.get_by_role("link", name="Évaluation de la formation (à chaud)").click()
    check_page(page)
    capture(page, "evaluation-questionnaire")
    page.get_by_role("link", name="Modifier la question 4").click()
    check_page(page)
    page.get_by_label("Question", exact=False).first.fill("L'animation vous a-t-elle aidé·e à progresser ?")
    page.get_by_role("button", name="Enregistrer").click()
    check_page(page)
    assert page.get_by_text("devient la version en cours").is_visible()
    capture(page, "evaluation-questionnaire-version")

    page.goto(f"/evaluations/sessions/{training_session.id}/qr")
    check_page(page)
    capture(page, "evaluation-qr-formulaire")
