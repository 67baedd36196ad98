"""JSON API for observatories (bearer tokens issued by an admin to managers) and its OpenAPI."""
