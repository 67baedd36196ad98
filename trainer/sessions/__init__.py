"""Sessions: scheduling with slots and trainers, registrations and the waiting list."""
