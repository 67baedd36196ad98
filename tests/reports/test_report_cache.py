"""Report results are cached under the data version: never stale, never another scope's figures."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from tests.reports.test_scope_and_api import _figure
from trainer import data_version
from trainer.attendance.models import MarkStatus
from trainer.attendance.services import set_mark
from trainer.auth.models import User
from trainer.declarations.services import DeclarationData, create_declaration, delete_declaration
from trainer.evaluations.models import EvaluationAnswer, EvaluationResponse, Indicator, Phase
from trainer.extensions import db
from trainer.imports.models import ImportBatch
from trainer.imports.services import run_import
from trainer.imports.undo import undo_batch
from trainer.kits.models import KitPackRequest, PackRequestStatus
from trainer.kits.packs import mark_sent
from trainer.main.models import DataVersion
from trainer.people.gdpr import anonymise_person
from trainer.reports.engine import run_report
from trainer.reports.filters import ReportFilters, Scope
from trainer.sessions.models import Registration, RegistrationSource, SessionStatus, TrainingSession
from trainer.sessions.registrations import register_person

YEAR_2025 = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}


def key_figure(name: str, **scope) -> object:
    return run_report("key-figures", ReportFilters(**YEAR_2025, scope=Scope(**scope))).value(name)


def count_statements(work) -> int:
    statements: list[str] = []

    def listen(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        work()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    return len(statements)


def test_a_second_run_reads_only_the_version(history):
    filters = ReportFilters(**YEAR_2025)
    first = run_report("key-figures", filters)
    db.session.rollback()
    assert count_statements(lambda: run_report("key-figures", filters)) <= 2  # BEGIN + the version
    again = run_report("key-figures", filters)
    assert again.rows == first.rows and again.rows is not first.rows
    again.rows.clear()  # what a caller does with its result never reaches the next one
    assert run_report("key-figures", filters).rows == first.rows


def _registration_of(history, session_key: str, person_key: str) -> Registration:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.session_id == history.sessions[session_key].id,
            Registration.person_id == history.people[person_key].id,
        )
    )


def test_an_attendance_mark_changes_the_figures_at_once(history):
    assert key_figure("professionals_trained") == 9
    chloe = _registration_of(history, "S1", "chloe")  # absent at S1's only slot
    set_mark(slot=history.sessions["S1"].slots[0], registration=chloe, status=MarkStatus.present, actor=None)
    db.session.commit()
    assert key_figure("professionals_trained") == 10


def test_a_registration_changes_the_figures_at_once(history, make_person):
    assert run_report("sessions", ReportFilters(**YEAR_2025)).rows  # warm
    before = _registered_in("S7")
    newcomer = make_person(first_name="Nina", last_name="Neuve", email="nina@exemple.fr")
    register_person(history.sessions["S7"], newcomer, source=RegistrationSource.staff, actor=None)
    db.session.commit()
    assert _registered_in("S7") == before + 1


def _registered_in(reference: str) -> int:
    result = run_report("sessions", ReportFilters(**YEAR_2025))
    row = next(r for r in result.as_dicts() if r["reference"] == reference)
    return row["registered"]


def test_a_session_change_an_evaluation_a_declaration_and_a_pack_change_the_figures(history, make_user):
    coordinator = db.session.get(User, make_user("coordinator"))
    assert key_figure("sessions_held") == 5
    s7 = db.session.get(TrainingSession, history.sessions["S7"].id)
    s7.status = SessionStatus.held
    db.session.commit()
    assert key_figure("sessions_held") == 6

    assert key_figure("evaluations_received") == 8
    response = EvaluationResponse(
        session_id=history.sessions["S1"].id, phase=Phase.hot, submitted_on=date(2025, 3, 10)
    )
    response.answers.append(EvaluationAnswer(indicator=Indicator.satisfaction, score=4))
    db.session.add(response)
    db.session.commit()
    assert key_figure("evaluations_received") == 9

    assert key_figure("professionals_trained_declared") == 22
    declared = create_declaration(
        DeclarationData(
            held_on=date(2025, 4, 1),
            organisation_id=None,
            new_organisation="Centre",
            headcounts=[("nurse", 4)],
            department_code="62",
        ),
        actor=coordinator,
    )
    db.session.commit()
    assert key_figure("professionals_trained_declared") == 26
    delete_declaration(declared, actor=coordinator)
    db.session.commit()
    assert key_figure("professionals_trained_declared") == 22

    def packs_sent() -> int:
        return run_report("key-figures", ReportFilters()).value("kit_packs_sent")

    assert packs_sent() == 3
    waiting = db.session.scalar(
        sa.select(KitPackRequest).where(KitPackRequest.status == PackRequestStatus.received)
    )
    mark_sent(waiting, sent_on=date.today(), notes="", actor=coordinator, today=date.today())
    db.session.commit()
    assert packs_sent() == 4


PARTICIPANTS = "session_reference,last_name,first_name,email,profession,employer,department,present\n"


def test_an_import_and_its_undo_change_the_figures_at_once(history, tmp_path):
    assert key_figure("professionals_trained") == 9
    path = tmp_path / "participants.csv"
    path.write_text(PARTICIPANTS + "S3,Import,Ines,ines@exemple.fr,nurse,,13,oui\n", encoding="utf-8")
    outcome = run_import("participants", path, filename=path.name, actor=None, via="test")
    db.session.commit()
    assert key_figure("professionals_trained") == 10
    undo_batch(db.session.get(ImportBatch, outcome.batch_id), "test")
    db.session.commit()
    assert key_figure("professionals_trained") == 9


def test_an_anonymisation_changes_the_names_shown(history):
    def trainer_names() -> set[str]:
        result = run_report("trainers-activity", ReportFilters(**YEAR_2025))
        return {row["trainer"] for row in result.as_dicts()}

    assert any("Formatrice" in name for name in trainer_names())
    anonymise_person(history.people["tess"], actor=None)
    db.session.commit()
    assert not any("Formatrice" in name for name in trainer_names())


def test_an_uncommitted_write_is_neither_served_stale_nor_cached(history):
    assert key_figure("sessions_held") == 5
    s7 = db.session.get(TrainingSession, history.sessions["S7"].id)
    s7.status = SessionStatus.held
    assert key_figure("sessions_held") == 6  # this transaction sees its own change…
    db.session.rollback()
    assert key_figure("sessions_held") == 5  # …and the figure computed with it was not kept


def test_a_change_made_through_another_process_is_seen(app, history):
    """Two gunicorn workers: each has its own cache, the version in the database is shared."""
    from trainer.app import create_app

    assert key_figure("sessions_held") == 5
    db.session.rollback()
    other = create_app({**app.config, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with other.app_context():
        db.session.execute(
            sa.update(TrainingSession)
            .where(TrainingSession.id == history.sessions["S7"].id)
            .values(status=SessionStatus.held)
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    assert key_figure("sessions_held") == 6


def test_emptied_tables_never_bring_back_a_version(history):
    used = db.session.scalar(sa.select(DataVersion.version))
    db.session.execute(sa.delete(DataVersion))
    db.session.commit()
    assert data_version.current() is None  # no version: reports are computed, nothing is kept
    assert key_figure("kit_packs_sent") == 2
    db.session.execute(sa.delete(DataVersion))
    db.session.execute(sa.delete(KitPackRequest.__table__))  # tables emptied, as between tests
    db.session.commit()
    fresh = data_version.current()
    assert fresh is not None and fresh != used
    assert key_figure("kit_packs_sent") == 0


def test_reads_and_untracked_writes_keep_the_version(history, login_as):
    version = data_version.current()
    db.session.rollback()
    coordinator = login_as("coordinator")  # a login writes the user and the audit log
    coordinator.get("/rapports/key-figures/telecharger/csv?year=2025")  # an audited download
    db.session.rollback()
    assert data_version.current() == version


@pytest.mark.parametrize("order", ["national first", "scoped first"])
def test_a_scoped_manager_never_gets_another_scopes_cached_figures(history, login_as, manager_62, order):
    coordinator = login_as("coordinator")
    manager_13 = login_as("manager", email="responsable13@test.fr", scope_department_code="13")
    readers = [("national", coordinator, "9"), ("62", manager_62, "5"), ("13", manager_13, "1")]
    if order == "scoped first":
        readers.reverse()
    for _ in range(2):  # the second round is served from the cache
        for _label, client, expected in readers:
            html = client.get("/rapports/?year=2025").get_data(as_text=True)
            assert _figure(html, "professionals_trained") == expected
        for label, client, _expected in readers:
            data = client.get("/rapports/trained-by-territory/telecharger/csv?year=2025").data
            departments = {row["department_code"] for row in csv.DictReader(io.StringIO(data.decode()))}
            if label != "national":
                assert departments <= {label, ""}


def test_the_dashboard_is_served_from_the_cache(history, login_as):
    coordinator = login_as("coordinator")
    assert coordinator.get("/rapports/").status_code == 200

    def dashboard():
        assert coordinator.get("/rapports/").status_code == 200

    warm = count_statements(dashboard)
    db.session.execute(sa.update(DataVersion).values(version=DataVersion.version + 1))
    db.session.commit()
    cold = count_statements(dashboard)
    assert warm < cold - 10


@pytest.mark.parametrize("report_id", ["key-figures", "sessions"])
def test_reports_are_built_with_the_garbage_collector_paused_and_back_after(app_ctx, monkeypatch, report_id):
    import gc

    from trainer.reports import engine

    seen = []
    for name in ("_run_table", "_run_indicators"):
        original = getattr(engine, name)
        monkeypatch.setattr(
            engine, name, lambda *args, _original=original: seen.append(gc.isenabled()) or _original(*args)
        )
    assert gc.isenabled()
    run_report(report_id, ReportFilters(**YEAR_2025))
    assert seen == [False]
    assert gc.isenabled()
