"""The demo data: responses through the default questionnaires, with realistic rates."""

import sqlalchemy as sa

from trainer.evaluations.models import EvaluationAnswer, EvaluationInvitation, EvaluationResponse, Phase
from trainer.evaluations.services import indicator_rates
from trainer.extensions import db


def test_demo_evaluations_look_like_the_miprof_figures(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rates = indicator_rates()
        assert rates.responses > 200
        assert 95 <= rates.satisfaction_rate <= 100
        assert 90 <= rates.knowledge_rate <= 99
        assert 88 <= rates.practice_rate <= 100
        unlinked = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(EvaluationAnswer)
            .where(EvaluationAnswer.question_id.is_(None))
        )
        assert unlinked == 0  # every demo answer goes through a question
        sources = set(db.session.scalars(sa.select(EvaluationResponse.source).distinct()))
        assert {s.value for s in sources} == {"online", "paper"}
        invitations = db.session.scalars(sa.select(EvaluationInvitation)).all()
        hot = [i for i in invitations if i.phase == Phase.hot]
        cold = [i for i in invitations if i.phase == Phase.cold]
        assert any(i.submitted_at for i in hot) and any(i.sent_at and not i.submitted_at for i in hot)
        assert any(i.reminded_at for i in hot)
        assert any(i.submitted_at for i in cold)
        assert any(not i.sent_at and i.due_on > i.created_at.date() for i in cold)  # not due yet
        from datetime import date

        due_now = [i for i in cold if not i.sent_at and i.due_on <= date.today()]
        assert due_now  # waiting for `trainer evaluations send-due`
    sent = runner.invoke(args=["evaluations", "send-due"])
    assert sent.exit_code == 0, sent.output
    assert "à froid" in sent.output and "0 à froid" not in sent.output
    again = runner.invoke(args=["evaluations", "send-due"])
    assert "0 à chaud, 0 à froid ; rappels : 0" in again.output
