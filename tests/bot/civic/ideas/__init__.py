"""Tests of bot/civic/ideas."""
