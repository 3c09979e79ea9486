"""Tests of bot/civic/questions."""
