"""Prompts sent to the LLM (French). Everything here is placeholder form: no real personal value.

``SYSTEM_PROMPT`` is the system instruction; ``build_messages`` gives the conversation as a list of
``{"role": "user" | "assistant", "content": str}`` dicts, usable by both the Anthropic Messages API
and OpenAI-compatible chat completions (which get the system prompt as a first message).
``sources`` (drafting.grounding.Source) are the official passages the answer must rest on.
"""

from __future__ import annotations

from typing import Sequence

from drafting.grounding import Source, sources_block

SYSTEM_PROMPT = """\
Vous rédigez un projet de réponse pour un agent d'un service public français, qui répond à la \
question écrite d'un usager. L'agent relira, corrigera si besoin et enverra lui-même la réponse.

Ton et forme :
- Le ton du service public : vouvoiement, courtoisie, phrases claires et simples, réponse concise \
et exacte. Une formule d'appel au début et une formule de politesse à la fin.
- Répondez en français, sans jargon ; expliquez les sigles utiles.

Exactitude :
- N'inventez aucune règle de droit, aucun montant, aucun délai, aucune date, aucun numéro de \
téléphone ni aucune adresse. Si la réponse dépend d'éléments que vous ne connaissez pas, dites \
que la situation doit être vérifiée.
- Quand la réponse dépend du dossier de l'usager, indiquez que l'agent doit vérifier le dossier, \
par une mention entre crochets à l'attention de l'agent, par exemple [À VÉRIFIER : date de dépôt \
de la demande].
- Vous pouvez inviter l'usager à consulter son espace personnel ou le site officiel concerné \
(par exemple service-public.fr), sans inventer d'adresse web précise.

Données personnelles :
- Dans la question, les données personnelles ont été remplacées par des marqueurs typés et \
numérotés comme [NOM_1], [NIR_1], [ADRESSE_1], [TELEPHONE_1], [IBAN_1], [EMAIL_1].
- Recopiez ces marqueurs exactement tels quels (crochets, majuscules et numéro compris) là où la \
réponse en a besoin, par exemple « Bonjour [NOM_1], ». Ne les traduisez pas et ne les modifiez pas.
- N'inventez jamais de valeur réelle à leur place, ne créez pas de nouveau marqueur et ne demandez \
jamais à l'usager ou à l'agent de révéler la valeur cachée derrière un marqueur.

Sortie : uniquement le texte de la réponse à l'usager, sans titre, sans commentaire ni \
explication sur votre démarche.
"""

_DEFAULT_REGENERATION = "Proposez une autre version, formulée différemment."

SOURCES_RULES = """\
Sources officielles : les extraits numérotés ci-dessous viennent des fiches service-public.fr.
- Répondez uniquement à partir de ces extraits ; n'ajoutez aucune règle, aucun montant, aucun \
délai ni aucun numéro qui n'y figure pas.
- Citez l'extrait qui justifie chaque information par son numéro entre crochets, par exemple [1].
- Si les extraits ne couvrent pas une partie de la question, dites-le clairement à l'usager et \
indiquez l'organisme à contacter, sans inventer la réponse.
- Ne donnez aucun lien autre que ceux des extraits ; les sources seront ajoutées à la fin de la \
réponse par l'agent, ne les listez pas vous-même."""


# Fixed French instructions for `!regenerer plus court|simple|formel`: the model gets these words,
# never the agent's, for a tone request (the audit records the key).
TONES = {
    "court": (
        "Rédigez une version nettement plus courte, environ deux fois moins longue : gardez "
        "l'essentiel utile à l'usager (ce qu'il doit faire, les pièces, les délais connus) et les "
        "mentions [À VÉRIFIER], supprimez les répétitions et les phrases de remplissage."
    ),
    "simple": (
        "Réécrivez la réponse en langage simple, facile à lire et à comprendre par tous, dans "
        "l'esprit du « facile à lire et à comprendre » (FALC) : des phrases courtes, une seule idée "
        "par phrase, des mots de tous les jours, pas de sigle ni de mot administratif sans "
        "explication, la voix active, les étapes dans l'ordre, une par ligne si besoin. Gardez "
        "toutes les informations importantes."
    ),
    "formel": (
        "Adoptez un registre plus formel, celui d'un courrier administratif : formule d'appel "
        "complète, phrases soutenues, aucune familiarité, et une formule de politesse "
        "administrative complète à la fin (par exemple « Je vous prie d'agréer, Madame, Monsieur, "
        "l'expression de mes salutations distinguées. »)."
    ),
}


def example_block(example: str) -> str:
    """A validated answer of the team for a close question, in placeholder form, as an example."""
    return (
        "Réponse déjà validée par l'équipe pour une question proche (exemple) :\n"
        f"<reponse_validee>\n{example.strip()}\n</reponse_validee>\n"
        "Inspirez-vous-en seulement pour ce qui répond à la question ci-dessus. Ses marqueurs "
        "désignent les données d'un autre usager : n'en reprenez aucun qui ne figure pas dans la "
        "question."
    )


def tone_block(tone: str) -> str:
    """The fixed instruction of ``tone`` (a key of TONES; KeyError otherwise)."""
    return f"<consigne_ton>\n{TONES[tone]}\n</consigne_ton>"


def question_message(redacted_question: str, example: str | None = None,
                     sources: Sequence[Source] = ()) -> str:
    return (
        "Question de l'usager (données personnelles remplacées par des marqueurs) :\n"
        f"<question>\n{redacted_question.strip()}\n</question>\n\n"
        + (f"{SOURCES_RULES}\n<sources>\n{sources_block(sources)}\n</sources>\n\n" if sources else "")
        + (f"{example_block(example)}\n\n" if example and example.strip() else "")
        + "Rédigez le projet de réponse."
    )


def regeneration_message(instruction: str | None, tone: str | None = None) -> str:
    hint = (instruction or "").strip() or ("" if tone else _DEFAULT_REGENERATION)
    return (
        "L'agent demande une nouvelle version de ce projet de réponse.\n"
        + (f"{tone_block(tone)}\n" if tone else "")
        + (f"<consigne_agent>\n{hint}\n</consigne_agent>\n" if hint else "") + "\n"
        "Rédigez une nouvelle version complète qui applique la consigne et diffère de la précédente. "
        "Les mêmes règles s'appliquent (marqueurs recopiés tels quels, aucun fait inventé)."
    )


def build_messages(
    redacted_question: str, *, instruction: str | None = None, previous: str | None = None,
    tone: str | None = None, example: str | None = None, sources: Sequence[Source] = (),
) -> list[dict[str, str]]:
    """The conversation for one draft.

    First draft: one user turn with the question. Regeneration (``previous`` given): the previous
    draft as the assistant turn, then a user turn carrying the agent's ``instruction`` and the
    fixed text of ``tone`` (a TONES key: court | simple | formel). An ``instruction`` or ``tone``
    without (a non-blank) ``previous`` is appended to the question turn. ``example``: a validated
    answer of the team (placeholder form), given in the question turn, after the official
    ``sources`` (drafting.grounding.Source) when there are some.
    """
    question = question_message(redacted_question, example, sources)
    if previous is None or not previous.strip():
        if tone:
            question += f"\n\n{tone_block(tone)}"
        if instruction and instruction.strip():
            question += f"\n\n<consigne_agent>\n{instruction.strip()}\n</consigne_agent>"
        return [{"role": "user", "content": question}]
    return [
        {"role": "user", "content": question},
        {"role": "assistant", "content": previous.strip()},
        {"role": "user", "content": regeneration_message(instruction, tone)},
    ]
