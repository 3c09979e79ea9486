"""Tests of bot/civic."""
