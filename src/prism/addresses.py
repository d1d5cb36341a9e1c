"""E-mail addresses as accounts store them and `prism send` sends to them, checked by email-validator."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from prism.errors import RecordError


def email_address(text: str) -> str:
    """Return the address in the form it is stored and sent (lower case, an international domain in its
    ASCII form), or raise RecordError naming it and saying what is wrong.

    Only spaces around it are dropped: a CR or LF is refused, never trimmed, since it is how a header is
    smuggled into a message. Nothing is looked up (no DNS): a typo in a domain is the reader's to fix.
    """
    try:
        checked = validate_email(text.strip(" \t"), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise RecordError(f"{text!r} is not an e-mail address: {exc}") from None
    return (checked.ascii_email or checked.normalized).lower()  # ASCII: no SMTPUTF8 allowed
