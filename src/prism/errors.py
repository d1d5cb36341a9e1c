"""Errors raised by AI PRISM; every message names the offending record, field or key."""

from __future__ import annotations


class PrismError(Exception):
    """Base class for errors a user can act on (no traceback is shown for these)."""


class ConfigError(PrismError):
    """A setting is missing or invalid."""


class UsageError(PrismError):
    """The command was asked for something it cannot do (missing file, unknown format)."""


class StoreError(PrismError):
    """The database could not be opened, migrated or written."""


class RecordError(PrismError):
    """One input record is unusable; the message says why (the caller knows where)."""


class FetchError(PrismError):
    """An HTTP fetch was refused or failed."""


class NotFoundError(PrismError):
    """A requested item (article, persona, edition) does not exist."""
