"""Bordin: alliance-centred measurement and feedback for therapy practices."""
