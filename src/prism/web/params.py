"""Request parameters shared by several routes: a store id is 1 … 2⁶³−1, so a 20-digit number is a 400
naming the parameter, never an overflow in the database."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Path

from prism.store.articles import MAX_ID

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
FormId = Annotated[int, Form(ge=1, le=MAX_ID)]
