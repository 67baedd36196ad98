"""Domain events that let areas react to each other without importing each other's views.

Senders call ``signal.send(current_app._get_current_object(), **data)`` inside the transaction;
receivers flush, never commit.
"""

from blinker import Namespace

_signals = Namespace()

#: A session was closed (attendance frozen). Data: ``training_session``, ``actor``.
session_closed = _signals.signal("session-closed")
#: A session was reopened by a coordinator. Data: ``training_session``, ``actor``.
session_reopened = _signals.signal("session-reopened")
#: Attendance changed for these sessions (completion was recomputed). Data: ``session_ids``.
attendance_changed = _signals.signal("attendance-changed")
