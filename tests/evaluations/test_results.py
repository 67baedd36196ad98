"""Results pages: masked below the minimum, trainers limited to their own sessions, comments
without names, hot-vs-cold comparison, charts with a table equivalent."""

from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from trainer.evaluations.models import (
    EvaluationAnswer,
    EvaluationResponse,
    Phase,
    QuestionKind,
    ResponseSource,
)
from trainer.extensions import db
from trainer.people.models import Person

MASKED = "moins de 5 réponses : résultats masqués pour préserver l'anonymat"


def _answer(training_session, questionnaire, score: int, comment: str | None = None, choice: str = "Oui"):
    response = EvaluationResponse(
        session_id=training_session.id,
        phase=questionnaire.phase,
        questionnaire_id=questionnaire.id,
        profession_code="nurse",
        source=ResponseSource.online,
        submitted_on=date(2026, 3, 12),
    )
    for question in questionnaire.questions:
        answer = EvaluationAnswer(question_id=question.id, indicator=question.indicator)
        if question.kind == QuestionKind.scale4:
            answer.score = score
        elif question.kind == QuestionKind.yes_no:
            answer.choice = choice
        elif question.kind == QuestionKind.text:
            if not comment:
                continue
            answer.text = comment
        else:
            continue
        response.answers.append(answer)
    db.session.add(response)


@pytest.fixture
def evaluated(attended_session, questionnaires):
    """A session with ``hot`` hot responses (scores cycling 4, 3, 2) and ``cold`` cold ones."""

    def make(hot: int, cold: int = 0, **kwargs):
        training_session = attended_session(**kwargs)
        for index in range(hot):
            comment = f"Commentaire {chr(ord('Z') - index)}" if index < 3 else None
            _answer(training_session, questionnaires[Phase.hot], (4, 3, 2)[index % 3], comment)
        for _ in range(cold):
            _answer(training_session, questionnaires[Phase.cold], 4)
        db.session.commit()
        return training_session

    return make


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_below_five_responses_nothing_is_shown(app, sign_in_as, evaluated):
    training_session = evaluated(hot=4)
    client = sign_in_as("coordinator")
    page = _text(client.get(f"/evaluations/sessions/{training_session.id}"))
    assert MASKED in page
    assert "Commentaire" not in page
    assert "data:image/svg+xml" not in page
    assert "66,7" not in page and "masqué" in page
    overview = _text(client.get("/evaluations/"))
    assert MASKED in overview and "66,7" not in overview


def test_from_five_responses_rates_chart_table_and_comments_are_shown(app, sign_in_as, evaluated):
    training_session = evaluated(hot=6, cold=5)
    names = [p.full_name for p in db.session.scalars(sa.select(Person))]
    client = sign_in_as("coordinator")
    response = client.get(f"/evaluations/sessions/{training_session.id}")
    page = _text(response)
    assert response.status_code == 200
    assert MASKED not in page
    # Satisfaction: scores 4, 3, 2, 4, 3, 2 → 4 of 6 answers are 3 or 4.
    assert "66,7\xa0%" in page
    assert "100,0\xa0%" in page  # practice, cold
    assert "Comparaison à chaud / à froid" in page
    assert '<img class="fr-responsive-img" src="data:image/svg+xml;base64,' in page
    assert "Répartition des réponses (nombre de réponses)" in page  # the table equivalent
    assert page.index("Commentaire X") < page.index("Commentaire Y") < page.index("Commentaire Z")
    for name in names:  # no name anywhere near the comments (nor anywhere on the page)
        assert name not in page
    assert "Recommanderiez-vous cette formation" in page  # yes/no counts


def test_response_rate_is_responses_over_invited(app, app_ctx, sign_in_as, evaluated, outbox):
    from trainer.db_types import now_utc
    from trainer.evaluations.sending import open_session_evaluations

    training_session = evaluated(hot=2, emails=("a@test.fr", "b@test.fr", "c@test.fr", None))
    open_session_evaluations(training_session, now=now_utc())
    client = sign_in_as("coordinator")
    page = _text(client.get(f"/evaluations/sessions/{training_session.id}"))
    assert "50,0\xa0%" in page  # 2 responses / 4 invited


def test_trainers_see_only_their_own_sessions(app, sign_in_as, evaluated):
    from trainer.auth.models import User

    mine = evaluated(hot=6)  # scores 4, 3, 2, 4, 3, 2: 66.7 % satisfied
    theirs = evaluated(hot=9)
    theirs_responses = sa.select(EvaluationResponse.id).where(EvaluationResponse.session_id == theirs.id)
    db.session.execute(
        sa.update(EvaluationAnswer)
        .where(EvaluationAnswer.response_id.in_(theirs_responses), EvaluationAnswer.score.is_not(None))
        .values(score=1)
    )
    client = sign_in_as("trainer", email="t@test.fr")
    user = db.session.scalars(sa.select(User).where(User.email == "t@test.fr")).one()
    mine.trainers = [user.person]
    db.session.commit()
    overview = _text(client.get("/evaluations/"))
    assert mine.title in overview and theirs.title not in overview
    figures = overview[overview.index("Vue d'ensemble") :][:1500]
    assert ">6<" in figures.replace(" ", "") and "66,7\xa0%" in figures  # own session only, aggregated
    assert client.get(f"/evaluations/sessions/{mine.id}").status_code == 200
    assert client.get(f"/evaluations/sessions/{theirs.id}").status_code == 404
    assert "Par formateur" not in _text(client.get("/evaluations/?vue=formateurs"))
    assert client.get(f"/evaluations/sessions/{mine.id}/qr").status_code == 403


def test_coordinators_see_results_per_kit_and_per_trainer(app, sign_in_as, evaluated, make_person):
    from trainer.kits.models import Kit

    kit = Kit(slug="elisa-test", title="Elisa")
    trainer = make_person(first_name="Tom", last_name="Formateur", email="tom@test.fr", trainer=True)
    db.session.add(kit)
    db.session.commit()
    evaluated(hot=5, kits=[kit], trainers=[trainer])
    evaluated(hot=2, kits=[kit])
    client = sign_in_as("coordinator")
    per_kit = _text(client.get("/evaluations/?vue=outils"))
    assert "Résultats par outil" in per_kit and "Elisa" in per_kit
    row = per_kit[per_kit.index("<td>Elisa</td>") :][:600]
    assert ">2<" in row and ">7<" in row  # 2 sessions, 7 responses
    per_trainer = _text(client.get("/evaluations/?vue=formateurs"))
    assert "Tom Formateur" in per_trainer
    assert "masqué" in _text(client.get("/evaluations/?vue=inconnue&page=abc"))


def test_paper_responses_are_entered_by_staff_and_count(app, sign_in_as, attended_session, questionnaires):
    training_session = attended_session()
    hot = questionnaires[Phase.hot]
    satisfaction = next(q for q in hot.questions if q.indicator and q.indicator.value == "satisfaction")
    client = sign_in_as("coordinator")
    empty = client.post(f"/evaluations/sessions/{training_session.id}/saisie-papier?phase=hot", data={})
    assert empty.status_code == 422
    assert "Saisissez au moins une réponse du questionnaire papier." in _text(empty)
    saved = client.post(
        f"/evaluations/sessions/{training_session.id}/saisie-papier?phase=hot",
        data={f"q{satisfaction.id}": "3", "profession_code": "midwife"},
    )
    assert saved.status_code == 302
    db.session.rollback()
    response = db.session.scalars(sa.select(EvaluationResponse)).one()
    assert response.source == ResponseSource.paper and response.profession_code == "midwife"
    assert [(a.indicator.value, a.score) for a in response.answers] == [("satisfaction", 3)]


def test_qr_sheet_gives_working_single_use_links_to_attendees_without_email(
    app, sign_in_as, attended_session, questionnaires
):
    training_session = attended_session(emails=("with@test.fr", None))
    client = sign_in_as("coordinator")
    assert "Imprimer" in _text(client.get(f"/evaluations/sessions/{training_session.id}/qr"))
    sheet = client.post(
        f"/evaluations/sessions/{training_session.id}/qr", data={"phase": "hot", "format": "html"}
    )
    html = _text(sheet)
    assert sheet.status_code == 200
    assert html.count('class="app-qr-card"') == 1 and "Personne" in html
    link = html.split('class="app-qr-card__url">', 1)[1].split("<", 1)[0]
    assert "/evaluation/" in link
    assert client.get(link.replace("http://localhost", "")).status_code == 200
    pdf = client.post(
        f"/evaluations/sessions/{training_session.id}/qr", data={"phase": "hot", "format": "pdf"}
    )
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    # Printing again replaced the previous card's link.
    assert client.get(link.replace("http://localhost", "")).status_code == 404


def test_the_paper_questionnaire_prints_as_html_and_pdf(app, sign_in_as, attended_session):
    training_session = attended_session()
    client = sign_in_as("coordinator")
    page = _text(client.get(f"/evaluations/sessions/{training_session.id}/questionnaire-papier?phase=cold"))
    assert "La formation a-t-elle changé et amélioré votre pratique professionnelle ?" in page
    assert "n'écrivez rien sur une autre personne" in page
    pdf = client.get(f"/evaluations/sessions/{training_session.id}/questionnaire-papier?phase=hot&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/evaluations/sessions/999999/questionnaire-papier").status_code == 404


def test_managers_do_not_see_evaluation_pages(app, sign_in_as, evaluated):
    training_session = evaluated(hot=5)
    client = sign_in_as("manager", email="m@test.fr")
    assert client.get("/evaluations/").status_code == 403
    assert client.get(f"/evaluations/sessions/{training_session.id}").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(app, client, evaluated):
    training_session = evaluated(hot=5)
    for url in (
        "/evaluations/",
        f"/evaluations/sessions/{training_session.id}",
        "/evaluations/questionnaires",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.location
