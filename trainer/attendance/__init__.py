"""Attendance: the trainer's grid, QR self check-in, attendance sheets, completion and certificates."""

from trainer.attendance import certificate_views, checkin_views, summary_views  # noqa: F401  (routes on bp)
from trainer.attendance.views import bp

__all__ = ["bp"]
