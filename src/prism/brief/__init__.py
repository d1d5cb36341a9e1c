"""Editions: compose a briefing from picks, store it, and render it as text, Markdown, HTML or JSON."""
