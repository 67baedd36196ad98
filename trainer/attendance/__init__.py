"""Attendance: the trainer's grid, QR self check-in, attendance sheets, completion and certificates."""
