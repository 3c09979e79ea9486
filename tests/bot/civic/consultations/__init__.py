"""Tests of bot/civic/consultations."""
