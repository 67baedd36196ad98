"""Accounts, sign-in, roles and the access rules of every page."""
