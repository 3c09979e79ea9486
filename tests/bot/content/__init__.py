"""Tests of bot/content."""
