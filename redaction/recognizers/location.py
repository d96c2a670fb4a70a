"""LOCATION (opt-in, not in the default set): places named by spaCy (LOC/GPE entities).

City names alone identify no one and the agent needs them, so Plume keeps them by default;
list ``LOCATION`` in ``redaction.entities`` to mask them too.
"""

from __future__ import annotations

from typing import List, Optional

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

PLACE_LABELS = ("LOC", "GPE", "LOCATION")  # spaCy NER labels of places


class SpacyLocationRecognizer(LocalRecognizer):
    ENTITY = "LOCATION"

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name="SpacyLocationRecognizer",
                         supported_language="fr")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
                ) -> List[RecognizerResult]:
        if nlp_artifacts is None or not nlp_artifacts.entities:
            return []
        return [
            RecognizerResult(self.ENTITY, e.start_char, e.end_char, 0.6, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})
            for e in nlp_artifacts.entities if e.label_ in PLACE_LABELS
        ]
