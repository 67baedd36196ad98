"""The participant's form: accessible, French, nothing saved before submission, single use."""

import re
import threading
from datetime import timedelta
from html import unescape

import sqlalchemy as sa

from trainer.evaluations.models import (
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    Indicator,
    Phase,
    QuestionKind,
)
from trainer.extensions import db


def _count(model) -> int:
    db.session.rollback()  # end the test's read transaction: see what the requests committed
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _full_answers(questionnaire, score="4") -> dict:
    data = {}
    for question in questionnaire.questions:
        name = f"q{question.id}"
        if question.kind == QuestionKind.scale4:
            data[name] = score
        elif question.kind == QuestionKind.yes_no:
            data[name] = "Oui"
        elif question.kind == QuestionKind.choice:
            data[name] = question.choices.splitlines()[0]
        else:
            data[name] = "Très utile, merci."
    return data


def test_the_form_is_french_accessible_and_warns_before_free_text(client, make_link, questionnaires):
    raw, _ = make_link()
    response = client.get(f"/evaluation/{raw}")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/html"
    satisfaction = next(
        q for q in questionnaires[Phase.hot].questions if q.indicator == Indicator.satisfaction
    )
    assert f'<fieldset class="fr-fieldset" id="q{satisfaction.id}"' in html
    assert f'<legend class="fr-fieldset__legend" id="q{satisfaction.id}-legend">' in html
    assert "Le contenu et les outils de la formation vous ont-ils satisfait·e ?" in html
    for label in ("1 – Pas du tout", "2 – Plutôt non", "3 – Plutôt oui", "4 – Tout à fait"):
        assert f'">{label}</label>' in html
    assert re.search(rf'<input[^>]* id="q{satisfaction.id}-0"[^>]*type="radio" value="1"', html)
    assert f'<label class="fr-label" for="q{satisfaction.id}-0">1 – Pas du tout</label>' in html
    warning = html.index("N'écrivez rien sur une autre personne")
    comments = next(q for q in questionnaires[Phase.hot].questions if q.kind == QuestionKind.text)
    assert warning < html.index(f'id="q{comments.id}"')
    assert "3919" in html  # the helpline of participant pages
    assert _count(EvaluationResponse) == 0  # opening the form stores nothing


def test_required_questions_are_enforced_in_french_and_answers_are_kept(client, make_link, questionnaires):
    raw, invitation_id = make_link()
    hot = questionnaires[Phase.hot]
    organisation = next(q for q in hot.questions if q.kind == QuestionKind.scale4 and not q.is_required)
    comments = next(q for q in hot.questions if q.kind == QuestionKind.text)
    response = client.post(
        f"/evaluation/{raw}", data={f"q{organisation.id}": "2", f"q{comments.id}": "Mon commentaire"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Répondez à cette question : elle est obligatoire." in html
    assert "Le formulaire contient des erreurs" in html
    assert re.search(rf'<input checked[^>]* id="q{organisation.id}-1"[^>]*value="2"', html)
    assert "Mon commentaire</textarea>" in html
    assert _count(EvaluationResponse) == 0
    assert db.session.get(EvaluationInvitation, invitation_id).submitted_at is None


def test_a_submission_stores_one_anonymous_response_with_the_profession_snapshot(
    client, make_link, questionnaires
):
    raw, invitation_id = make_link()
    hot = questionnaires[Phase.hot]
    response = client.post(f"/evaluation/{raw}", data=_full_answers(hot))
    assert response.status_code == 303 and response.location.endswith("/evaluation/merci")
    assert "Merci pour vos réponses" in client.get(response.location).get_data(as_text=True)
    invitation = db.session.get(EvaluationInvitation, invitation_id)
    stored = db.session.scalars(sa.select(EvaluationResponse)).one()
    assert invitation.submitted_at is not None
    assert stored.session_id == invitation.registration.session_id
    assert stored.profession_code == invitation.registration.profession_code
    assert stored.questionnaire_id == hot.id and stored.phase == Phase.hot
    assert not hasattr(stored, "person_id") and not hasattr(stored, "invitation_id")
    by_indicator = {a.indicator: a.score for a in stored.answers if a.indicator}
    assert by_indicator == {Indicator.satisfaction: 4, Indicator.knowledge: 4}
    assert {a.text for a in stored.answers if a.text} == {"Très utile, merci."}
    assert len(stored.answers) == len(hot.questions)


def test_a_second_submission_is_refused_kindly_and_stores_nothing(client, make_link, questionnaires):
    raw, _ = make_link()
    data = _full_answers(questionnaires[Phase.hot])
    assert client.post(f"/evaluation/{raw}", data=data).status_code == 303
    again = client.post(f"/evaluation/{raw}", data=data)
    assert again.status_code == 409
    assert "Vous avez déjà répondu" in again.get_data(as_text=True)
    assert client.get(f"/evaluation/{raw}").status_code == 200
    assert "Vous avez déjà répondu" in client.get(f"/evaluation/{raw}").get_data(as_text=True)
    assert _count(EvaluationResponse) == 1


def test_an_expired_link_gets_a_clear_page_and_stores_nothing(client, make_link, questionnaires):
    raw, invitation_id = make_link(expires_in=timedelta(seconds=-1))
    page = client.get(f"/evaluation/{raw}")
    assert page.status_code == 410 and "Ce lien d'évaluation a expiré" in unescape(
        page.get_data(as_text=True)
    )
    posted = client.post(f"/evaluation/{raw}", data=_full_answers(questionnaires[Phase.hot]))
    assert posted.status_code == 410
    assert _count(EvaluationResponse) == 0
    assert db.session.get(EvaluationInvitation, invitation_id).submitted_at is None


def test_forged_and_malformed_tokens_get_a_clear_page(client, make_link, questionnaires):
    make_link()
    for token in ("x" * 43, "inconnu", "a" * 5000, "%00%0d%0a", "<script>alert(1)<script>"):
        response = client.post(f"/evaluation/{token}", data=_full_answers(questionnaires[Phase.hot]))
        assert response.status_code == 404, token
        assert "Ce lien d'évaluation n'est pas valide" in unescape(response.get_data(as_text=True))
    assert client.get("/evaluation/a/b").status_code == 404
    assert _count(EvaluationResponse) == 0


def test_odd_values_are_refused_in_french(client, make_link, questionnaires):
    raw, _ = make_link()
    data = _full_answers(questionnaires[Phase.hot])
    satisfaction = next(
        q for q in questionnaires[Phase.hot].questions if q.indicator == Indicator.satisfaction
    )
    comments = next(q for q in questionnaires[Phase.hot].questions if q.kind == QuestionKind.text)
    data[f"q{satisfaction.id}"] = "9"
    data[f"q{comments.id}"] = "x" * 3000
    response = client.post(f"/evaluation/{raw}", data=data)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Choisissez l'une des réponses proposées." in html
    assert "2000 caractères au maximum." in html
    assert _count(EvaluationAnswer) == 0


def test_the_public_form_is_rate_limited(app, client, make_link):
    raw, _ = make_link()
    app.config["EVALUATION_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.get(f"/evaluation/{raw}").status_code for _ in range(5)]
    finally:
        app.config.pop("EVALUATION_RATE_LIMIT")
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]


def test_a_hundred_concurrent_submissions_store_exactly_one_response(app, make_link, questionnaires):
    raw, invitation_id = make_link()
    data = _full_answers(questionnaires[Phase.hot])
    app.config["EVALUATION_RATE_LIMIT"] = "1000 per minute"
    barrier = threading.Barrier(100)
    statuses: list[int] = []
    bodies: list[str] = []
    lock = threading.Lock()

    def submit() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/evaluation/{raw}", data=data)
        with lock:
            statuses.append(response.status_code)
            bodies.append(response.get_data(as_text=True))

    threads = [threading.Thread(target=submit) for _ in range(100)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        app.config.pop("EVALUATION_RATE_LIMIT")
    assert sorted(statuses) == [303] + [409] * 99
    assert sum("Vous avez déjà répondu" in body for body in bodies) == 99
    assert _count(EvaluationResponse) == 1
    assert _count(EvaluationAnswer) == len(questionnaires[Phase.hot].questions)
    assert db.session.get(EvaluationInvitation, invitation_id).submitted_at is not None
