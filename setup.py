"""Build hook: compile enrichment's per-token and per-term modules to C with mypyc.

Everything else about the package is in pyproject.toml. The compiled modules behave exactly as their
Python sources (tests compare the two); they only spend less CPU, which matters most when Kiwi's threads
take every core and our Python work competes with them (`prism enrich --workers 2`).

Set PRISM_PURE_PYTHON=1 to build without compiling. A machine without a C compiler still installs:
the extensions are optional, and `prism.nlp` then imports the Python sources.
"""

from __future__ import annotations

import os
import sys

from setuptools import setup

COMPILED = ["src/prism/nlp/korean.py", "src/prism/nlp/keywords.py", "src/prism/nlp/vectors.py"]


def extensions() -> list[object]:
    if os.environ.get("PRISM_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify

        built = mypycify(
            # Our own type checking runs in `make lint`; here mypyc only needs the types, so no config file
            # (its plugins and paths are for the checker) and third-party modules without stubs are Any.
            ["--config-file=", "--ignore-missing-imports", "--follow-imports=silent", *COMPILED],
            opt_level="3",
        )
    except (Exception, SystemExit) as exc:  # mypyc exits on a type error: install the Python sources
        print(f"warning: not compiling {', '.join(COMPILED)} with mypyc ({exc!r})", file=sys.stderr)  # noqa: T201
        return []
    for extension in built:
        extension.optional = True  # no C compiler: a warning, and the Python sources are used
    return list(built)


setup(ext_modules=extensions())
