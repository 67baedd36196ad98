"""The "completed" rule of product.md §3, pinned on plain values and through the recompute."""

from datetime import date, time
from decimal import Decimal

import pytest

from trainer.attendance.completion import is_completed, recompute_completion
from trainer.attendance.models import AttendanceMark, MarkStatus
from trainer.extensions import db
from trainer.sessions.models import RegistrationStatus

THREE_SLOTS = (
    (date(2026, 3, 10), time(9), time(12)),
    (date(2026, 3, 10), time(13), time(16)),
    (date(2026, 3, 11), time(9), time(12)),
)


@pytest.mark.parametrize(
    ("slots", "attended", "threshold", "expected"),
    [
        (2, "2", "1", True),  # default threshold: every slot
        (2, "1", "1", False),
        (3, "2", "0.667", True),  # two thirds, rounded threshold
        (3, "2", "0.75", False),
        (3, "1.5", "0.5", True),  # partial presence counts for its share
        (3, "1.49", "0.5", False),
        (4, "2", "0.5", True),  # exactly at the threshold
    ],
)
def test_rule_on_plain_values(slots, attended, threshold, expected):
    assert (
        is_completed(
            registered=True,
            slot_count=slots,
            attended=Decimal(attended),
            threshold=Decimal(threshold),
            present_flag=None,
        )
        is expected
    )


@pytest.mark.parametrize(("flag", "expected"), [(True, True), (False, False), (None, False)])
def test_without_slots_the_present_flag_decides(flag, expected):
    assert (
        is_completed(
            registered=True, slot_count=0, attended=Decimal(0), threshold=Decimal(1), present_flag=flag
        )
        is expected
    )


def test_a_cancelled_registration_never_completes():
    assert not is_completed(
        registered=False, slot_count=1, attended=Decimal(1), threshold=Decimal(1), present_flag=True
    )


def _mark(registration, slot, status, hours=None):
    db.session.add(
        AttendanceMark(registration_id=registration.id, slot_id=slot.id, status=status, hours_attended=hours)
    )


def test_recompute_counts_present_partial_and_not_excused(make_session, make_person, make_registration):
    training_session = make_session(slots=THREE_SLOTS, threshold=Decimal("0.5"))
    first, second, third = training_session.slots  # 3 h each
    people = [make_person(email=f"p{i}@exemple.fr") for i in range(5)]
    present_all, partial, excused, absent, cancelled = (
        make_registration(training_session, p) for p in people
    )
    for slot in (first, second, third):
        _mark(present_all, slot, MarkStatus.present)
    # 1 slot present + 1.5 h of 3 h on another = 1.5 slots ≥ 0.5 × 3: completed.
    _mark(partial, first, MarkStatus.present)
    _mark(partial, second, MarkStatus.partial, Decimal("1.5"))
    # Excused slots do not count as attended: 1 of 3 < 1.5.
    _mark(excused, first, MarkStatus.present)
    _mark(excused, second, MarkStatus.excused)
    _mark(excused, third, MarkStatus.excused)
    _mark(absent, first, MarkStatus.absent)
    for slot in (first, second, third):
        _mark(cancelled, slot, MarkStatus.present)
    cancelled.status = RegistrationStatus.cancelled
    db.session.commit()

    assert recompute_completion([training_session.id]) == 2
    db.session.commit()
    db.session.expire_all()
    assert [r.completed for r in (present_all, partial, excused, absent, cancelled)] == [
        True,
        True,
        False,
        False,
        False,
    ]
    # Idempotent: nothing changes the second time.
    assert recompute_completion([training_session.id]) == 0


def test_recompute_uses_the_present_flag_of_imported_history(make_session, make_person, make_registration):
    training_session = make_session(slots=())
    yes = make_registration(training_session, make_person(email="yes@exemple.fr"), present=True)
    no = make_registration(training_session, make_person(email="no@exemple.fr"), present=False)
    recompute_completion([training_session.id])
    db.session.commit()
    db.session.expire_all()
    assert yes.completed is True
    assert no.completed is False
