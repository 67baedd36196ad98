"""Invitations: created when a session closes, e-mailed with single-use links, reminded once,
and the cold follow-up sent when due by an idempotent cron command."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from tests.conftest import find_link, message_text
from trainer.evaluations.cli import moment_on
from trainer.evaluations.invitations import local_day
from trainer.evaluations.models import EvaluationInvitation, Phase
from trainer.evaluations.sending import open_session_evaluations, send_due
from trainer.extensions import db
from trainer.security import hash_token
from trainer.sessions.models import Registration, RegistrationStatus
from trainer.signals import session_closed


def _invitations(training_session=None):
    db.session.rollback()
    statement = sa.select(EvaluationInvitation).order_by(EvaluationInvitation.id)
    if training_session is not None:
        statement = statement.join(Registration).where(Registration.session_id == training_session.id)
    return db.session.scalars(statement).all()


def _close(training_session):
    session_closed.send(current_app._get_current_object(), training_session=training_session, actor=None)
    db.session.commit()


def _links(messages):
    return [find_link(message_text(m), "/evaluation/") for m in messages]


def test_closing_a_session_invites_completed_attendees_who_have_an_email(app_ctx, attended_session, outbox):
    training_session = attended_session(emails=("ana@test.fr", "bea@test.fr", None))
    other = attended_session(emails=("absent@test.fr",))  # attended, but not up to the threshold
    db.session.execute(
        sa.update(Registration).where(Registration.session_id == other.id).values(completed=False)
    )
    db.session.commit()
    _close(training_session)
    _close(other)
    invitations = _invitations(training_session)
    assert sorted(i.phase.value for i in invitations) == ["cold"] * 3 + ["hot"] * 3
    assert _invitations(other) == []
    messages = outbox()
    assert sorted(m["To"] for m in messages) == ["ana@test.fr", "bea@test.fr"]
    assert all("Votre avis sur la formation" in m["Subject"] for m in messages)
    body = message_text(messages[0])
    assert "3919" in body and "anonymes" in body and "ne sert qu'une fois" in body
    # Only hashes are stored: each link's token hashes to a stored hash, and is not itself stored.
    stored = {i.token_hash for i in invitations if i.token_hash}
    for link in _links(messages):
        token = link.rsplit("/", 1)[1]
        assert len(token) >= 22  # ≥ 128 bits, URL-safe base64
        assert hash_token(token) in stored and token not in stored
    hot_without_email = [i for i in invitations if i.phase == Phase.hot and i.sent_at is None]
    assert len(hot_without_email) == 1 and hot_without_email[0].token_hash is None
    # Cold follow-up: due 90 days after the last slot (11 March), not sent yet.
    cold = [i for i in invitations if i.phase == Phase.cold]
    assert {i.due_on for i in cold} == {date(2026, 3, 11) + timedelta(days=90)}
    assert all(i.sent_at is None for i in cold)


def test_closing_twice_creates_and_sends_nothing_more(app_ctx, attended_session, outbox):
    training_session = attended_session()
    _close(training_session)
    _close(training_session)
    assert len(_invitations(training_session)) == 6
    assert len(outbox()) == 2


def test_cancelled_or_unfinished_registrations_get_no_invitation(app_ctx, attended_session, outbox):
    training_session = attended_session(emails=("a@test.fr", "b@test.fr"))
    first, second = db.session.scalars(
        sa.select(Registration)
        .where(Registration.session_id == training_session.id)
        .order_by(Registration.id)
    ).all()
    first.status = RegistrationStatus.cancelled
    second.completed = False
    db.session.commit()
    _close(training_session)
    assert _invitations(training_session) == []
    assert outbox() == []


def test_send_due_sends_the_cold_follow_up_when_due_and_never_twice(
    app, app_ctx, runner, attended_session, outbox
):
    training_session = attended_session()
    _close(training_session)
    hot_messages = len(outbox())
    cold_due = date(2026, 3, 11) + timedelta(days=90)
    # Mark the hot invitations answered so that no reminder interferes.
    db.session.execute(
        sa.update(EvaluationInvitation)
        .where(EvaluationInvitation.phase == Phase.hot)
        .values(submitted_at=datetime.now(UTC))
    )
    db.session.commit()

    early = runner.invoke(
        args=["evaluations", "send-due", "--date", (cold_due - timedelta(days=1)).isoformat()]
    )
    assert early.exit_code == 0, early.output
    assert len(outbox()) == hot_messages
    due = runner.invoke(args=["evaluations", "send-due", "--date", cold_due.isoformat()])
    assert due.exit_code == 0, due.output
    assert "2 à froid" in due.output
    cold_messages = outbox()[hot_messages:]
    assert len(cold_messages) == 2
    assert all("Trois mois après la formation" in m["Subject"] for m in cold_messages)
    again = runner.invoke(args=["evaluations", "send-due", "--date", cold_due.isoformat()])
    assert again.exit_code == 0 and "0 à froid" in again.output
    assert len(outbox()) == hot_messages + 2
    cold = [i for i in _invitations(training_session) if i.phase == Phase.cold]
    assert sum(1 for i in cold if i.sent_at) == 2


def test_reminders_go_once_to_those_who_have_not_answered_with_a_new_link(
    app_ctx, attended_session, outbox, client, questionnaires
):
    training_session = attended_session(emails=("r1@test.fr", "r2@test.fr"))
    now = datetime.now(UTC)
    open_session_evaluations(training_session, now=now)
    db.session.commit()
    first_links = dict(zip((m["To"] for m in outbox()), _links(outbox()), strict=True))
    # r1 answers; r2 does not.
    hot = questionnaires[Phase.hot]
    answers = {f"q{q.id}": "4" for q in hot.questions if q.kind.value == "scale4"}
    assert (
        client.post(first_links["r1@test.fr"].replace("http://localhost", ""), data=answers).status_code
        == 303
    )

    assert send_due(now + timedelta(days=6)).reminders == 0
    report = send_due(now + timedelta(days=8))
    db.session.commit()
    assert report.reminders == 1
    reminder = outbox()[-1]
    assert reminder["To"] == "r2@test.fr" and reminder["Subject"].startswith("Rappel :")
    assert "remplace celui du message précédent" in message_text(reminder)
    new_link = _links([reminder])[0]
    assert client.get(first_links["r2@test.fr"].replace("http://localhost", "")).status_code == 404
    assert client.get(new_link.replace("http://localhost", "")).status_code == 200
    assert send_due(now + timedelta(days=9)).reminders == 0  # once only
    db.session.commit()


def test_expired_links_are_not_reminded(app, app_ctx, attended_session, outbox):
    training_session = attended_session(emails=("late@test.fr",))
    now = datetime.now(UTC)
    open_session_evaluations(training_session, now=now)
    db.session.commit()
    days = app.config.get("EVALUATION_LINK_DAYS", 60)
    assert send_due(now + timedelta(days=days + 1)).reminders == 0


def test_a_refused_message_is_retried_on_the_next_run(app_ctx, attended_session, outbox, monkeypatch):
    import trainer.evaluations.sending as module

    training_session = attended_session(emails=("smtp@test.fr",))

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(module, "send_mail", refuse)
    now = datetime.now(UTC)
    report = open_session_evaluations(training_session, now=now)
    db.session.commit()
    assert report.failed == 1
    hot = [i for i in _invitations(training_session) if i.phase == Phase.hot]
    assert hot[0].sent_at is None and hot[0].token_hash is None
    monkeypatch.undo()
    assert send_due(now).sent["hot"] == 1
    db.session.commit()
    assert len(outbox()) == 1


def test_coordinators_send_invitations_on_demand(app, login_as, attended_session, outbox):
    training_session = attended_session()
    coordinator = login_as("coordinator")
    response = coordinator.post(f"/evaluations/sessions/{training_session.id}/invitations")
    assert response.status_code == 302
    assert len(outbox()) == 2
    page = coordinator.get(response.location).get_data(as_text=True)
    assert "2 invitations envoyées par courriel." in page


def test_trainers_cannot_send_invitations(app, login_as, attended_session, outbox):
    # One signed-in role per test: the test's app context (and Flask-Login's cached user) is
    # shared with the requests it makes.
    training_session = attended_session()
    trainer = login_as("trainer", email="t@test.fr")
    assert trainer.post(f"/evaluations/sessions/{training_session.id}/invitations").status_code == 403
    assert outbox() == []


def test_no_invitation_before_the_session_is_held(app, login_as, attended_session, outbox):
    from trainer.sessions.models import SessionStatus

    training_session = attended_session(status=SessionStatus.open)
    coordinator = login_as("coordinator")
    response = coordinator.post(
        f"/evaluations/sessions/{training_session.id}/invitations", follow_redirects=True
    )
    assert "une fois la session réalisée ou clôturée" in response.get_data(as_text=True)
    assert outbox() == []


def test_send_due_works_in_short_batches_and_skips_refused_messages(
    app_ctx, runner, attended_session, outbox, monkeypatch
):
    import trainer.evaluations.cli as cli_module
    import trainer.evaluations.sending as module
    from trainer.mail import send_mail

    training_session = attended_session(emails=("b1@test.fr", "b2@test.fr", "refus@test.fr", "b4@test.fr"))
    _close(training_session)  # the four hot links go out today
    assert len(outbox()) == 4

    def picky(to, *args, **kwargs):
        if to == "refus@test.fr":
            raise OSError("mailbox unavailable")
        return send_mail(to, *args, **kwargs)

    monkeypatch.setattr(module, "send_mail", picky)
    monkeypatch.setattr(cli_module, "BATCH", 1)
    cold_due = date(2026, 3, 11) + timedelta(days=90)
    result = runner.invoke(args=["evaluations", "send-due", "--date", cold_due.isoformat()])
    # 3 cold follow-ups sent one per batch; the refused one is tried once and reported (no
    # endless loop), and stays unsent for the next run.
    assert result.exit_code == 1, result.output
    assert "3 à froid" in result.output and "échecs : 1" in result.output
    assert "partiront au prochain passage" in result.output
    cold = [i for i in _invitations(training_session) if i.phase == Phase.cold]
    assert sum(1 for i in cold if i.sent_at) == 3


def test_send_due_explains_a_bad_date_or_a_missing_public_address(app, runner):
    bad = runner.invoke(args=["evaluations", "send-due", "--date", "31/02/2026"])
    assert bad.exit_code == 1 and "Date invalide" in bad.output and "AAAA-MM-JJ" in bad.output
    base = app.config.pop("PUBLIC_BASE_URL")
    try:
        missing = runner.invoke(args=["evaluations", "send-due"])
    finally:
        app.config["PUBLIC_BASE_URL"] = base
    assert missing.exit_code == 1 and "PUBLIC_BASE_URL" in missing.output


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 12, 2, 23, 30, tzinfo=UTC), datetime(2026, 6, 7, 22, 30, tzinfo=UTC)),
        (datetime(2026, 12, 2, 8, 0, tzinfo=UTC), datetime(2026, 6, 8, 7, 0, tzinfo=UTC)),
    ],
)
def test_send_due_date_is_a_day_in_paris_whatever_the_hour(now, expected):
    moment = moment_on(date(2026, 6, 8), now)
    assert moment == expected
    assert local_day(moment) == date(2026, 6, 8)
