"""The note types are frozen: changing fields or templates without a new model id must fail here."""

from __future__ import annotations

import hashlib

from ankigen import package
from ankigen.package import models

# model id -> fingerprint of (fields, template names). Changing a note type's fields or
# templates makes Anki treat it as a different type and refuse to update existing notes:
# give it a new model id and add a row here, never edit an existing row.
FROZEN = {
    1_731_406_201: "Front|Back|Context|Source / Recall",
    1_731_406_202: "Text|Extra|Context|Source / Cloze",
}


def fingerprint(fields: tuple[str, ...], templates: tuple[str, ...]) -> str:
    return "|".join(fields) + " / " + "|".join(templates)


def test_note_types_are_frozen() -> None:
    assert FROZEN[package.QA_MODEL_ID] == fingerprint(package.QA_FIELDS, package.QA_TEMPLATES)
    assert FROZEN[package.CLOZE_MODEL_ID] == fingerprint(package.CLOZE_FIELDS, package.CLOZE_TEMPLATES)


def test_models_use_the_frozen_lists() -> None:
    for model, fields, templates in (
        (models.QA_MODEL, package.QA_FIELDS, package.QA_TEMPLATES),
        (models.CLOZE_MODEL, package.CLOZE_FIELDS, package.CLOZE_TEMPLATES),
    ):
        assert tuple(f["name"] for f in model.fields) == fields
        assert tuple(t["name"] for t in model.templates) == templates


def test_css_has_night_mode() -> None:
    assert ".nightMode" in package.CSS


def test_deck_ids_are_stable_and_distinct() -> None:
    a, b = package.deck_id("AWS SAA-C03::Storage"), package.deck_id("AWS SAA-C03::Compute")
    assert a != b and a == package.deck_id("AWS SAA-C03::Storage")
    assert 0 < a < 2**63
    digest = hashlib.sha256(b"x").digest()
    assert package.deck_id("x") == int.from_bytes(digest[:7], "big")
