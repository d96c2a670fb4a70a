"""Batched redaction (``Redactor.redact_batch``, ``RedactionPool``'s micro-batches) and the
storage profile for the LLM's output."""

from __future__ import annotations

import asyncio

import pytest

from redaction.pool import RedactionPool
from tests.redaction_heldout_data import iban_fr, nir
from tests.redaction_support import redactor, shared_redactor  # noqa: F401  (fixture)

TEXTS = [
    "Bonjour, je m'appelle Camille Lefort, je n'ai pas reçu mon allocation. Tél 06 11 00 47 58.",
    "",
    "MADAME GIRARDOT LOUISE, NÉE LE 12/03/1961, DEMANDE SON ATTESTATION.",
    "salut c'est hugo marchand, mon numéro sécu " + nir("1850578006084") + " merci",
    "   \n",
    "Le dossier de M. Théo Valadier (12 rue Victor Hugo, 69003 Lyon) est complet.",
]


def test_a_batch_gives_what_one_call_per_text_gives(redactor):
    known = {"[NOM_1]": "Valadier"}
    items = [(text, known if "Valadier" in text else None) for text in TEXTS]
    assert redactor.redact_batch(items) == [redactor.redact(text, k) for text, k in items]
    assert redactor.redact_batch([]) == []


MODEL_OUTPUT = (
    "Bonjour [NOM_1],\n\nVotre conseillère, Mme Sophie Bernardeau, vous rappellera au "
    "01 45 67 89 12 ; vous pouvez aussi écrire à sophie.bernardeau@exemple.fr. Merci de "
    f"confirmer votre numéro de sécurité sociale {nir('2690149123456')} et votre IBAN "
    f"{iban_fr('30006000011234567890189')}. Nous avons bien noté l'adresse de Camille Lefort.\n\n"
    "Cordialement,\nPaul Durandet"
)


def test_storage_profile_masks_values_the_model_writes(redactor):
    known = {"[NOM_1]": "Camille Lefort"}
    red = redactor.redact_batch([(MODEL_OUTPUT, known)], model_output=True)[0]
    for value in ("Sophie Bernardeau", "01 45 67 89 12", "sophie.bernardeau@exemple.fr",
                  nir("2690149123456"), iban_fr("30006000011234567890189"), "Camille Lefort",
                  "Paul Durandet", "Bernardeau", "Durandet"):
        assert value not in red.text, value
    assert red.text.count("[NOM_1]") == 2  # the question's own value keeps its placeholder
    assert {"PHONE_NUMBER", "EMAIL_ADDRESS", "FR_NIR", "IBAN_CODE", "PERSON"} <= set(red.counts())
    assert redactor.leaks(red.text) == []
    assert "Votre conseillère" in red.text and "Cordialement" in red.text


def test_storage_profile_leaves_placeholder_text_alone(redactor):
    text = ("Madame, Monsieur,\n\nNous avons bien reçu la demande de [NOM_1] concernant "
            "l'allocation logement du mois de mars (dossier [DOSSIER_1]). Le service la "
            "traitera sous quinze jours.\n\nNous vous prions d'agréer nos salutations.")
    assert redactor.redact_batch([(text, None)], model_output=True)[0].text == text


class _Counting:
    """The real redactor, counting the texts of each ``redact_batch`` call."""

    def __init__(self, real) -> None:
        self.real, self.batches = real, []

    def redact_batch(self, items, *, model_output=False):
        self.batches.append(len(items))
        return self.real.redact_batch(items, model_output=model_output)

    def leaks(self, text):
        return self.real.leaks(text)


def test_pool_batches_what_queues_and_answers_each_caller():
    counting = _Counting(shared_redactor())
    texts = [f"Je suis Jules Morvan{chr(97 + i)}, joignable au 06 12 34 56 {i:02d}." for i in range(12)]

    async def burst():
        pool = RedactionPool(counting, workers=1, max_batch=8)
        try:
            return await asyncio.gather(*(pool.redact(t) for t in texts),
                                        pool.leaks("IBAN " + iban_fr("30006000011234567890189")),
                                        pool.redact_checked(texts[0]))
        finally:
            pool.close()

    *got, leaks, checked = asyncio.run(burst())
    assert got == [shared_redactor().redact(t) for t in texts]
    assert leaks == ["IBAN_CODE"]
    assert checked == (got[0], [])
    assert sum(counting.batches) == len(texts) + 1 and max(counting.batches) > 1
    assert max(counting.batches) <= 8


def test_pool_failure_reaches_only_its_caller():
    async def run():
        pool = RedactionPool(shared_redactor(), workers=1)
        try:
            return await asyncio.gather(pool.redact("Je suis Léa Chevrier."), pool.redact(None),
                                        pool.redact("Appelez le 06 12 34 56 78."),
                                        return_exceptions=True)
        finally:
            pool.close()

    first, failed, third = asyncio.run(run())
    assert first.text == "Je suis [NOM_1]." and third.text == "Appelez le [TELEPHONE_1]."
    assert isinstance(failed, (TypeError, AttributeError))


@pytest.mark.parametrize("model_output", [False, True])
def test_pool_passes_the_profile(model_output):
    async def run():
        pool = RedactionPool(shared_redactor(), workers=2)
        try:
            return await pool.redact(MODEL_OUTPUT, {"[NOM_1]": "Camille Lefort"},
                                     model_output=model_output)
        finally:
            pool.close()

    red = asyncio.run(run())
    assert red == shared_redactor().redact_batch([(MODEL_OUTPUT, {"[NOM_1]": "Camille Lefort"})],
                                                 model_output=model_output)[0]
