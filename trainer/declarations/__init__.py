"""Declared trainings (cascade): trainers and partners declare trainings delivered elsewhere."""
