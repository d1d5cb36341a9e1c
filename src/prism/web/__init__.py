"""The web app: editions, archives and articles as server-rendered Korean pages (FastAPI + Jinja2)."""
