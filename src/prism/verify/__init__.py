"""The claim checker: is one written sentence supported by the articles it is about?

`check(claim, sources)` returns a `Verdict`: supported or not, the reason, the error type it found
(number, date, entity, polarity, attribution, causal, addition) and the source sentences it rests on.
"""

from prism.verify.checker import Verdict, check, check_text

__all__ = ["Verdict", "check", "check_text"]
