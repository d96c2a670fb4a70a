"""FR_ADDRESS: postal addresses of people.

Reference: La Poste / AFNOR NF Z 10-011 (line order: number, bis/ter, street type and name,
complement, postcode of 5 digits including 20xxx Corsica and 97xxx overseas, CEDEX, BP).
The span runs from the complements before the street (résidence, bâtiment, appartement, étage)
or the street number, written in digits or in words ("douze rue …"), to the postcode and the
town after it; street types may be abbreviated ("bd", "av.", "G.al", "Mal"). A street without
a number, or a town alone, is kept (it identifies no one).
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import FrPatternRecognizer

_SUFFIX = r"(?:\s?(?:bis|ter|quater|[a-dA-D])(?![\w']))?"
_NUM = r"(?<![\w,.])\d{1,4}(?:\s?[-/]\s?\d{1,4})?" + _SUFFIX
_NUM_WORD = (r"(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
             r"quinze|seize|vingt|trente|quarante|cinquante|soixante|cent|cents|et)")
# A street number in words ("douze", "vingt-trois", "cent quarante et un").
_NUM_WORDS = rf"(?<![\w'\-]){_NUM_WORD}(?:[ \-]+{_NUM_WORD}){{0,4}}" + _SUFFIX
_STREET = (
    r"(?:rue|ruelle|avenue|av\.?|boulevard|bd|bld|chemin|ch\.|impasse|imp\.|all[ée]e|quai|rte|"
    r"square|sq\.|sentier|cit[ée]|r[ée]sidence|lotissement|hameau|lieu[- ]dit|rond[- ]point|"
    r"esplanade|promenade|faubourg|fbg|mont[ée]e|traverse|parvis|chauss[ée]e|venelle|quartier|"
    r"carrefour|lev[ée]e|zac|za|zi|grand[- ]rue|grande[- ]rue|grand'rue|sente|tertre|"
    r"r[ée]sidences|ancien chemin|vieux chemin)"
)
# Street types that are also ordinary nouns ("3 cours de français", "1 mail", "2 place de parking"):
# only when the street name that follows is capitalised ("cours Mirabeau", "place de la Mairie").
_STREET_WEAK = r"(?:place|pl\.|cours|route|passage|voie|villa|mail|clos|domaine|c[ôo]te|galerie|parc|zone|cour|port)"
_CAPITALISED_NAME = r"(?=[ \n]+(?:(?:de|du|des|de la|de l'|d'|la|le|les|l')[ \n]*)?(?-i:\p{Lu}))"

# Words that end a street name: function words and sentence starters.
_STOP = (
    r"(?:[àa]|au|aux|et|ou|pour|depuis|mais|dans|en|je|j'|o[ùu]|qui|que|car|avec|sans|chez|sur|"
    r"mon|ma|mes|votre|vous|nous|il|elle|est|sont|ai|ont|ne|n'|se|s'|y|c'|ce|cette|merci|t[ée]l|"
    r"t[ée]l[ée]phone|e-?mail|mail|courriel|pendant|lors|puis|donc|ni|si|on|depuis|cordialement|"
    r"bonjour|pouvez|puis-je|dois-je|comment|quand|code|cp|ville|commune|france)"
)
_WORD = r"(?:[^\W\d_]\.[^\W\d_]{1,4}\.?|[^\W\d_][\w'\-]{0,3}\.|[^\W\d_][\w'\-]*|\d{1,4}(?![\d\w]))"
_NAME = rf"(?:[ \n]+(?!{_STOP}(?![\w'\-])){_WORD}){{1,7}}"
_COMPLEMENT_KEY = (
    r"(?:b[âa]t(?:iment)?\.?|appt?\.?|appartement|apt\.?|[ée]tage|esc(?:alier)?\.?|porte|"
    r"entr[ée]e|r[ée]sidence|lot\.?|bo[îi]te|bp|cs|tsa)"
)
_COMPLEMENT = rf"(?:\s*[,\-]?\s*{_COMPLEMENT_KEY}\s*[\w\-]{{1,12}}(?:\s+(?!{_STOP}(?![\w'\-])){_WORD}){{0,3}})"
# Five digits, also written "75 011" (after a comma), or a Corsican "2A 004" / "2B004".
_POSTCODE = r"(?:(?:\s*[,\-]?\s*(?:F-)?(?:\d{5}|2[AB] ?\d{3})|\s*,\s*\d{2} \d{3})(?![\w]|[ ]\d))"
_TOWN_WORD = r"(?-i:(?!CEDEX|Cedex)\p{Lu}[\w'\-]*)"
_TOWN = rf"(?:[ ]+{_TOWN_WORD}(?:[ \-](?:{_TOWN_WORD}|sur|sous|en|le|la|les|de|du|des|l[èe]s|lez|d'\w+)){{0,4}})"
_CEDEX = r"(?:\s+cedex(?:\s*\d{1,2})?)"
_BP = r"(?:\s*,?\s*(?:bp|cs|tsa)\s*\d{1,6})"


# Complements written before the street, each closed by a comma or a dash: "Bât. B, apt 12,
# 3e étage, 14 bd …", "Résidence Les Lilas - 4 av. …".
_LEADING_COMPLEMENT = (
    r"(?:(?:(?<![\w])(?:r[ée]sidence|b[âa]t(?:iment)?\.?|immeuble|appartement|appt?\.?|apt\.?|"
    r"escalier|esc\.|entr[ée]e|porte|lotissement|domaine|chez|lieu[- ]dit|hameau)\s+"
    r"(?:[\w'\-]+\s+){0,4}?[\w'\-]+|(?<![\w])\d{1,2}\s?(?:e|er|[èe]me|°)\s+[ée]tage)\s*[,\-]\s*)*"
)


class FrAddressRecognizer(FrPatternRecognizer):
    ENTITY = "FR_ADDRESS"
    PATTERNS = [
        Pattern(
            "number + street type",
            rf"{_LEADING_COMPLEMENT}(?:{_NUM}|{_NUM_WORDS}),?\s+(?:{_STREET}(?![\w])|{_STREET_WEAK}(?![\w]){_CAPITALISED_NAME})"
            rf"{_NAME}{_COMPLEMENT}*{_BP}?"
            rf"(?:{_POSTCODE}{_TOWN}?{_CEDEX}?)?",
            0.7,
        ),
        Pattern(
            "number + name + postcode",
            rf"{_NUM},?{_NAME}{_COMPLEMENT}*{_BP}?\s*,?\s*{_POSTCODE}{_TOWN}?{_CEDEX}?",
            0.45,
        ),
        Pattern("lieu-dit", rf"(?<![\w])(?:lieu[- ]?dit|hameau)(?![\w]){_NAME}{_COMPLEMENT}*{_POSTCODE}?{_TOWN}?", 0.6),
        Pattern("boîte postale", rf"(?<![\w])(?:bp|boîte postale|cs|tsa)\s*\d{{1,6}}{_POSTCODE}?{_TOWN}?{_CEDEX}?", 0.45),
    ]
    CONTEXT = ["adresse", "habite", "domicile", "demeurant", "domicilie", "reside", "loge",
               "courrier", "postal"]
