"""Personas, stories and the recommender that picks an edition's 6 stories."""
