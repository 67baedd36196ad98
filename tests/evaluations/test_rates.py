"""The counting rules of product.md §3 for evaluations, pinned on small hand-made data sets."""

import pytest
import sqlalchemy as sa

from trainer.evaluations.models import Phase, ResponseSource
from trainer.evaluations.services import RateFilters, indicator_rates, indicator_rates_by, mean_score, rate


def test_answers_three_and_four_count_and_blanks_are_excluded(make_session, add_response):
    training_session = make_session()
    for score in (4, 3, 2, 1):
        add_response(training_session, {"satisfaction": score})
    add_response(training_session, {"satisfaction": None})  # a blank: not an answer
    add_response(training_session, {"knowledge": 4})  # answered another indicator only
    rates = indicator_rates(RateFilters(session_id=training_session.id))
    assert rates.satisfaction_rate == 50.0
    assert rates.knowledge_rate == 100.0
    assert rates.responses == 6


def test_rates_have_one_decimal_rounded_half_up(make_session, add_response):
    training_session = make_session()
    for score in (4, 4, 1):
        add_response(training_session, {"satisfaction": score})
    assert indicator_rates(RateFilters(session_id=training_session.id)).satisfaction_rate == 66.7
    assert rate(1, 3) == 33.3
    assert rate(1, 16) == 6.3  # 6.25: half up, not to even
    assert rate(1, 8) == 12.5
    assert rate(0, 5) == 0.0


def test_an_indicator_without_answers_has_no_rate(make_session, add_response):
    training_session = make_session()
    add_response(training_session, {"satisfaction": 3})
    rates = indicator_rates(RateFilters(session_id=training_session.id))
    assert rates.practice_rate is None
    assert rates.knowledge_rate is None
    assert rate(0, 0) is None
    empty = indicator_rates(RateFilters(session_id=999999))
    assert (empty.responses, empty.satisfaction_rate, empty.average_score) == (0, None, None)


def test_average_score_is_the_mean_of_the_indicator_answers(make_session, add_response):
    training_session = make_session()
    add_response(training_session, {"satisfaction": 4, "knowledge": 3})
    add_response(training_session, {"satisfaction": 2, "knowledge": None})
    add_response(training_session, {None: 1})  # a scale answer that measures nothing
    # (4 + 3 + 2) / 3
    assert indicator_rates(RateFilters(session_id=training_session.id)).average_score == 3.0
    assert mean_score(10, 3) == 3.33
    assert mean_score(0, 0) is None


def test_imported_paper_and_online_answers_count_the_same_way(
    make_session, add_response, questionnaires, client, make_link
):
    training_session = make_session()
    add_response(training_session, {"satisfaction": 4}, source=ResponseSource.import_)
    add_response(training_session, {"satisfaction": 1}, source=ResponseSource.paper)
    raw, _ = make_link(training_session=None)
    hot = questionnaires[Phase.hot]
    answers = {f"q{q.id}": "3" for q in hot.questions if q.kind.value == "scale4"}
    assert client.post(f"/evaluation/{raw}", data=answers).status_code == 303
    online = indicator_rates(RateFilters(phase=Phase.hot))
    assert online.responses == 3
    assert online.satisfaction_rate == 66.7  # 4 and 3 count, 1 does not
    # Every way in copies the response's session onto its answers (reports read it there).
    from trainer.evaluations.models import EvaluationAnswer, EvaluationResponse
    from trainer.extensions import db

    pairs = db.session.execute(
        sa.select(EvaluationAnswer.session_id, EvaluationResponse.session_id).join(EvaluationAnswer.response)
    ).all()
    assert len({response for _, response in pairs}) == 2  # imported and paper here, online in its own
    assert all(answer == response for answer, response in pairs)


def test_rates_per_session_kit_trainer_and_phase_in_one_query_each(
    make_session, make_person, add_response, app_ctx
):
    from trainer.extensions import db
    from trainer.kits.models import Kit

    anna = Kit(slug="anna-test", title="Anna")
    db.session.add(anna)
    trainer = make_person(first_name="Tina", last_name="Formatrice", email="tina@test.fr", trainer=True)
    first = make_session(kits=[anna], trainers=[trainer])
    second = make_session(kits=[anna])
    other = make_session()
    add_response(first, {"satisfaction": 4})
    add_response(second, {"satisfaction": 1})
    add_response(other, {"satisfaction": 4})
    add_response(first, {"practice": 4}, phase=Phase.cold)
    per_session = indicator_rates_by(None, "session")
    assert per_session[first.id].satisfaction_rate == 100.0
    assert per_session[first.id].practice_rate == 100.0
    assert per_session[second.id].satisfaction_rate == 0.0
    assert indicator_rates_by(None, "kit")[anna.id].satisfaction_rate == 50.0
    assert indicator_rates_by(None, "kit")[anna.id].responses == 3
    assert indicator_rates_by(None, "trainer")[trainer.id].responses == 2
    per_phase = indicator_rates_by(None, "phase")
    assert per_phase[Phase.hot].responses == 3 and per_phase[Phase.cold].responses == 1
    assert indicator_rates(RateFilters(kit_id=anna.id)).satisfaction_rate == 50.0
    assert indicator_rates(RateFilters(trainer_person_id=trainer.id)).responses == 2
    with pytest.raises(ValueError, match="grouping"):
        indicator_rates_by(None, "department")


def test_filters_on_period_territory_type_and_profession(make_session, add_response):
    from datetime import date, time

    in_62 = make_session(department="62", slots=((date(2025, 5, 2), time(9), time(12)),))
    in_13 = make_session(department="13", session_type="awareness")
    add_response(in_62, {"knowledge": 4})
    add_response(in_13, {"knowledge": 1})
    assert indicator_rates(RateFilters(department_code="62")).knowledge_rate == 100.0
    assert indicator_rates(RateFilters(region_code="93")).knowledge_rate == 0.0  # Provence-Alpes-Côte d'Azur
    assert indicator_rates(RateFilters(starts_from=date(2026, 1, 1))).responses == 1
    assert indicator_rates(RateFilters(starts_to=date(2025, 12, 31))).knowledge_rate == 100.0
    assert indicator_rates(RateFilters(session_type="awareness")).responses == 1
    assert indicator_rates(RateFilters(profession_code="nurse")).responses == 2
    assert indicator_rates(RateFilters(profession_code="midwife")).responses == 0
    assert indicator_rates(RateFilters(session_ids=[])).responses == 0


def test_thin_indicators_are_hidden_even_when_the_scope_is_shown(make_session, add_response):
    training_session = make_session()
    for _ in range(5):
        add_response(training_session, {"satisfaction": 4})
    for _ in range(2):
        add_response(training_session, {"practice": 4}, phase=Phase.cold)
    rates = indicator_rates(RateFilters(session_id=training_session.id))
    assert rates.hidden(5) == {"practice_rate"}
    assert rates.hidden(8) == {"satisfaction_rate", "knowledge_rate", "practice_rate", "average_score"}
