"""Questionnaires ship in French with the three indicator questions; answered versions are frozen."""

from html import unescape

import sqlalchemy as sa

from trainer.evaluations import questionnaires as service
from trainer.evaluations.models import (
    EvaluationAnswer,
    EvaluationResponse,
    Indicator,
    Phase,
    Question,
    QuestionKind,
    Questionnaire,
    ResponseSource,
)
from trainer.evaluations.services import EvaluationError
from trainer.extensions import db


def test_a_fresh_database_gets_the_default_questionnaires_from_the_migrations(app, tmp_path):
    from trainer.app import create_app
    from trainer.schema import upgrade_database

    fresh = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}", "SECRET_KEY": "x"})
    with fresh.app_context():
        upgrade_database()
        hot = service.current_questionnaire(Phase.hot)
        cold = service.current_questionnaire(Phase.cold)
        by_indicator = {q.indicator: q for q in hot.questions + cold.questions if q.indicator}
        assert by_indicator[Indicator.satisfaction].text == (
            "Le contenu et les outils de la formation vous ont-ils satisfait·e ?"
        )
        assert by_indicator[Indicator.knowledge].text.startswith(
            "La formation a-t-elle amélioré vos connaissances"
        )
        assert by_indicator[Indicator.practice].text == (
            "La formation a-t-elle changé et amélioré votre pratique professionnelle ?"
        )
        assert by_indicator[Indicator.practice].questionnaire.phase == Phase.cold
        assert all(q.kind == QuestionKind.scale4 and q.is_required for q in by_indicator.values())
        kinds = {q.kind for q in hot.questions}
        assert kinds == {QuestionKind.scale4, QuestionKind.yes_no, QuestionKind.choice, QuestionKind.text}
        comments = [q for q in hot.questions if q.kind == QuestionKind.text][0]
        assert "autre personne" in comments.help_text and "santé" in comments.help_text
        assert [q.position for q in hot.questions] == list(range(1, len(hot.questions) + 1))
        assert service.ensure_default_questionnaires() == []  # already there: nothing added
        db.session.remove()
        db.engine.dispose()


def _respond(make_session, questionnaire: Questionnaire) -> None:
    from datetime import date

    training_session = make_session()
    question = questionnaire.questions[0]
    response = EvaluationResponse(
        session_id=training_session.id,
        phase=questionnaire.phase,
        questionnaire_id=questionnaire.id,
        source=ResponseSource.paper,
        submitted_on=date(2026, 3, 12),
    )
    response.answers = [EvaluationAnswer(question_id=question.id, indicator=question.indicator, score=4)]
    db.session.add(response)
    db.session.commit()


def test_an_unanswered_version_is_edited_in_place(questionnaires):
    hot = questionnaires[Phase.hot]
    question = hot.questions[2]
    data = service.QuestionData(text="Le lieu était-il accessible ?", kind=QuestionKind.scale4)
    updated = service.update_question(question, data, actor=None)
    db.session.commit()
    assert updated.id == question.id and updated.questionnaire_id == hot.id
    assert hot.version == 1 and hot.is_current


def test_an_answered_version_is_never_changed_a_new_current_version_is_made(questionnaires, make_session):
    hot = questionnaires[Phase.hot]
    _respond(make_session, hot)
    old_texts = [q.text for q in hot.questions]
    question = hot.questions[2]
    data = service.QuestionData(text="Le lieu était-il accessible ?", kind=QuestionKind.scale4)
    updated = service.update_question(question, data, actor=None)
    db.session.commit()
    db.session.expire_all()
    assert updated.questionnaire_id != hot.id
    new = updated.questionnaire
    assert (new.version, new.is_current) == (2, True)
    assert hot.is_current is False
    assert [q.text for q in hot.questions] == old_texts  # the answered version is intact
    assert [q.text for q in new.questions][2] == "Le lieu était-il accessible ?"
    assert service.current_questionnaire(Phase.hot).id == new.id
    answer = db.session.scalars(sa.select(EvaluationAnswer)).one()
    assert answer.question.questionnaire_id == hot.id
    # The copy has no responses yet: the next edit stays on it.
    again = service.add_question(
        new, service.QuestionData(text="Autre ?", kind=QuestionKind.text), actor=None
    )
    db.session.commit()
    assert again.questionnaire_id == new.id
    # An archived version is read-only.
    try:
        service.update_question(hot.questions[0], data, actor=None)
    except EvaluationError as exc:
        assert "version en cours" in str(exc)
    else:
        raise AssertionError("an archived version was edited")


def test_question_rules(questionnaires):
    hot = questionnaires[Phase.hot]
    bad = [
        service.QuestionData(text="Oui ?", kind=QuestionKind.yes_no, indicator=Indicator.satisfaction),
        service.QuestionData(text="Lequel ?", kind=QuestionKind.choice, choices="Un seul"),
        service.QuestionData(text="  ", kind=QuestionKind.text),
    ]
    for data in bad:
        try:
            service.add_question(hot, data, actor=None)
        except EvaluationError:
            db.session.rollback()
        else:
            raise AssertionError(f"accepted {data}")
    assert len(service.current_questionnaire(Phase.hot).questions) == 8


def test_questions_move_and_delete(questionnaires):
    hot = questionnaires[Phase.hot]
    first, second = hot.questions[0].text, hot.questions[1].text
    service.move_question(hot.questions[1], -1, actor=None)
    db.session.commit()
    db.session.expire_all()
    assert [q.text for q in hot.questions][:2] == [second, first]
    service.move_question(hot.questions[0], -1, actor=None)  # already first: no change
    service.delete_question(hot.questions[0], actor=None)
    db.session.commit()
    db.session.expire_all()
    assert [q.position for q in hot.questions] == list(range(1, 8))
    assert hot.questions[0].text == first


def test_coordinators_edit_questions_through_the_pages(app, sign_in_as, questionnaires, make_session):
    hot = questionnaires[Phase.hot]
    hot_id = hot.id
    _respond(make_session, hot)
    question_id = hot.questions[3].id
    client = sign_in_as("coordinator")
    page = client.get("/evaluations/questionnaires")
    assert page.status_code == 200 and "Évaluation de la formation (à chaud)" in page.get_data(as_text=True)
    detail = unescape(client.get(f"/evaluations/questionnaires/{hot_id}").get_data(as_text=True))
    assert "votre première modification créera la version 2" in detail
    refused = client.post(
        f"/evaluations/questions/{question_id}",
        data={"text": "Question", "kind": "yes_no", "indicator": "satisfaction"},
    )
    assert refused.status_code == 200
    assert "Un indicateur ne se mesure qu'avec une échelle de 1 à 4." in unescape(
        refused.get_data(as_text=True)
    )
    assert "\nQuestion</textarea>" in refused.get_data(as_text=True)  # what was typed is kept
    saved = client.post(
        f"/evaluations/questions/{question_id}",
        data={"text": "L'animation vous a-t-elle aidé·e ?", "kind": "scale4", "is_required": "y"},
        follow_redirects=True,
    )
    html = unescape(saved.get_data(as_text=True))
    assert "la version 2, qui contient votre modification, devient la version en cours" in html
    db.session.rollback()
    current = service.current_questionnaire(Phase.hot)
    assert current.version == 2
    assert (
        current.questions[3].text == "L'animation vous a-t-elle aidé·e ?" and current.questions[3].is_required
    )
    assert db.session.get(Question, question_id).text != "L'animation vous a-t-elle aidé·e ?"
    added = client.post(
        f"/evaluations/questionnaires/{current.id}/questions/nouvelle",
        data={
            "text": "Quel format préférez-vous ?",
            "kind": "choice",
            "choices_text": "Présentiel\nDistanciel",
        },
    )
    assert added.status_code == 302
    moved = client.post(f"/evaluations/questions/{current.questions[1].id}/deplacer", data={"sens": "haut"})
    assert moved.status_code == 302
    edited = client.post(
        f"/evaluations/questionnaires/{current.id}/modifier",
        data={"title": "Votre avis à chaud", "introduction": "Merci !"},
    )
    assert edited.status_code == 302
    db.session.rollback()
    current = service.current_questionnaire(Phase.hot)
    assert current.title == "Votre avis à chaud" and current.version == 2
    assert current.questions[-1].choices == "Présentiel\nDistanciel"
    assert current.questions[0].indicator == Indicator.knowledge


def test_trainers_cannot_edit_questionnaires(app, sign_in_as, questionnaires):
    client = sign_in_as("trainer", email="t@test.fr")
    assert client.get("/evaluations/questionnaires").status_code == 403
    assert (
        client.post(
            f"/evaluations/questions/{questionnaires[Phase.hot].questions[0].id}/supprimer"
        ).status_code
        == 403
    )


def test_missing_questionnaires_can_be_reinstalled(app, sign_in_as, questionnaires):
    db.session.execute(sa.delete(Question))
    db.session.execute(sa.delete(Questionnaire))
    db.session.commit()
    client = sign_in_as("coordinator")
    assert "Installer les questionnaires par défaut" in client.get("/evaluations/questionnaires").get_data(
        as_text=True
    )
    assert client.post("/evaluations/questionnaires/defauts").status_code == 302
    db.session.rollback()
    assert service.current_questionnaire(Phase.cold) is not None


def test_a_refused_change_is_said_on_the_questionnaire_page(app, sign_in_as, questionnaires):
    archived = questionnaires[Phase.hot]
    archived.is_current = False
    db.session.commit()
    question_id, count = archived.questions[0].id, len(archived.questions)
    client = sign_in_as("coordinator")
    for action in ("supprimer", "deplacer"):
        response = client.post(f"/evaluations/questions/{question_id}/{action}", data={"sens": "bas"})
        assert response.status_code == 302
        assert response.location.endswith(f"/evaluations/questionnaires/{archived.id}")
        page = unescape(client.get(response.location).get_data(as_text=True))
        assert "Seule la version en cours d'un questionnaire peut être modifiée" in page
    refused = client.post(
        f"/evaluations/questionnaires/{archived.id}/modifier", data={"title": "Autre titre"}
    )
    assert refused.status_code == 200
    assert "Seule la version en cours" in unescape(refused.get_data(as_text=True))
    db.session.rollback()
    archived = db.session.get(Questionnaire, archived.id)
    assert len(archived.questions) == count and archived.title != "Autre titre"
