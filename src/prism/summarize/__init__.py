"""핵심 요약 (core summaries): extractive by default, every sentence traceable to its source."""
