"""A held-out-style corpus for Plume's redactor, written differently from the dev corpus.

Synthetic only: invented names, numbers generated with valid checksums (computed here, never
copied from real people). Each case is a list of parts: plain strings, ``P(entity, value)`` for
personal data that must be fully masked, ``K(value)`` for content that must stay untouched.
``build(case)`` returns ``{"id", "text", "pii", "keep"}`` in the corpus format of DESIGN §4.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import iban as _iban
from stdnum import luhn
from stdnum.fr import nif as _nif
from stdnum.fr import nir as _nir


@dataclass(frozen=True)
class P:
    label: str
    value: str


@dataclass(frozen=True)
class K:
    value: str
    label: str = "KEEP"


def nir(body13: str, sep: str = " ") -> str:
    """A NIR with its computed key; ``body13`` may hold 2A/2B. Grouped like the carte Vitale."""
    key = _nir.calc_check_digits(body13.replace(" ", ""))
    b = body13.replace(" ", "")
    groups = [b[0], b[1:3], b[3:5], b[5:7], b[7:10], b[10:13], key]
    return sep.join(groups)


def nif(first10: str) -> str:
    return first10 + _nif.calc_check_digits(first10)


def siret(siren8: str, nic4: str = "0001") -> str:
    """A SIRET whose SIREN part and whole number both pass Luhn."""
    body = siren(siren8) + nic4
    return body + luhn.calc_check_digit(body)


def siren(first8: str) -> str:
    return first8 + luhn.calc_check_digit(first8)


def card(first15: str) -> str:
    return first15 + luhn.calc_check_digit(first15)


def iban_fr(bban23: str) -> str:
    return "FR" + _iban.calc_check_digits("FR00" + bban23) + bban23


def grouped(value: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(value[i:i + size] for i in range(0, len(value), size))


NBSP, NNBSP, ZWSP = "\u00a0", "\u202f", "\u200b"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def build(case_id: str, parts: list) -> dict:
    text, pii, keep = "", [], []
    for part in parts:
        value = part if isinstance(part, str) else part.value
        if isinstance(part, P):
            pii.append({"start": len(text), "end": len(text) + len(value), "label": part.label})
        elif isinstance(part, K):
            keep.append({"start": len(text), "end": len(text) + len(value), "label": part.label})
        text += value
    return {"id": case_id, "text": text, "pii": pii, "keep": keep}


CASES: dict[str, list] = {
    # --- names -------------------------------------------------------------------------------
    "title_particles": ["Objet : demande de Madame ", P("PERSON", "Marie-Hélène N'Diaye"),
                        ". Elle dépend de ", K("la CAF de la Gironde"), "."],
    "particle_de_la": ["Je vous écris au sujet de ", P("PERSON", "Jean de La Fontaine"),
                       ", domicilié à ", K("Château-Thierry"), "."],
    "title_caps": ["Le dossier de M. ", P("PERSON", "LEFEBVRE"), " est en attente depuis ",
                   K("le 3 février"), "."],
    "initials": ["Signé ", P("PERSON", "J.-P. Martin"), ", pour ", K("la préfecture du Rhône"), "."],
    "initial_dot": ["Pièce transmise par ", P("PERSON", "A. Benali"), " hier."],
    "lowercase_name": ["bonjour je m'appelle ", P("PERSON", "kevin durand"),
                       " et j'ai un souci avec ", K("France Travail")],
    "repeated_surname": ["Mon voisin ", P("PERSON", "Gérard Rousseau"), " est hospitalisé. ",
                         "M. ", P("PERSON", "Rousseau"), " ne peut plus se déplacer, ",
                         P("PERSON", "Rousseau"), " vit seul."],
    "kinship": ["Ma fille ", P("PERSON", "Inès Moreau-Lambert"), " a ", K("17 ans"),
                " et mon fils ", P("PERSON", "Lucas"), " aussi a des droits ?"],
    "signature_lines": ["Bonjour,\nJe n'ai pas reçu ", K("l'AAH"), " ce mois-ci.\n\nBien cordialement,\n",
                        P("PERSON", "Sophie Marchand")],
    "bare_signature": ["Merci de votre retour rapide.\n", P("PERSON", "Yannick Le Bihan")],
    "maitre": ["Mon avocat, Maître ", P("PERSON", "Durand-Vasseur"), ", m'a conseillé d'écrire."],
    "docteur": ["Le certificat du Dr ", P("PERSON", "Benhamou"), " est joint."],
    "caps_first": ["Cordialement\nMme ", P("PERSON", "FATOU DIALLO")],
    "surname_firstname_caps": ["Dossier de ", P("PERSON", "MARTIN Sébastien"), " : ",
                               K("1 234,56 €"), " à rembourser."],
    "foreign_name": ["L'assurée ", P("PERSON", "Svetlana Ivanova"), " n'a plus de nouvelles de ",
                     K("la CPAM"), "."],
    "nom_field": ["NOM : ", P("PERSON", "GARNIER"), "\nPrénom : ", P("PERSON", "Élodie"),
                  "\nDemande : aide au logement"],
    # --- identifiers -------------------------------------------------------------------------
    "nir_dots": ["N° sécu : ", P("FR_NIR", nir("1850578006084", ".")), " merci"],
    "nir_corsica_2a": ["mon numéro de sécurité sociale ", P("FR_NIR", nir("18506 2A004123".replace(" ", ""))),
                       " pour ", K("la CPAM de Corse-du-Sud")],
    "nir_corsica_2b": ["NIR ", P("FR_NIR", nir("2920 52B 123456".replace(" ", ""), "")), "."],
    "nir_key_word": ["Sécurité sociale : ", P("FR_NIR", "2 71 02 49 164 509 clé "
                                                + _nir.calc_check_digits("2710249164509")), "."],
    "nir_nbsp": ["numéro de sécu", NBSP, ":", NBSP, P("FR_NIR", nir("1850578006084", NBSP))],
    "nir_linebreak": ["Carte Vitale n°\n", P("FR_NIR", "1 85 05 78\n006 084 " + _nir.calc_check_digits("1850578006084"))],
    "nir_zero_width": ["mon NIR : ", P("FR_NIR", ZWSP.join(nir("2850378006084", "")))],
    "nir_fullwidth": ["NIR ", P("FR_NIR", nir("1850578006084", "").translate(FULLWIDTH))],
    "phone_plus33_trunk": ["Rappelez-moi au ", P("PHONE", "+33 (0)6 12 34 56 78"), " svp."],
    "phone_0033": ["Portable : ", P("PHONE", "0033 7 81 22 33 44")],
    "phone_dashes": ["tel 06-45-12-78-90 ou"[0:4], P("PHONE", "06-45-12-78-90"), " ou ",
                     P("PHONE", "04.78.12.34.56")],
    "phone_gp": ["Je suis en Guadeloupe, joignable au ", P("PHONE", "+590 690 12 34 56"), "."],
    "phone_mq_national": ["fixe : ", P("PHONE", "0596 61 23 45"), " (Martinique)"],
    "phone_re": ["Tél. ", P("PHONE", "+262 692 45 67 89")],
    "phone_yt": ["Mayotte : ", P("PHONE", "0639 21 43 65")],
    "phone_pm": ["Saint-Pierre : ", P("PHONE", "+508 41 23 45")],
    "phone_nbsp": ["appelez le", NBSP, P("PHONE", NBSP.join(["06", "11", "22", "33", "44"]))],
    "phone_fullwidth": ["tél ", P("PHONE", "０６ １２ ３４ ５６ ７８")],
    "email_caps": ["Écrivez à ", P("EMAIL", "Jean.Dupont-Martin@Orange.FR"), " merci."],
    "email_spaced": ["mail : ", P("EMAIL", "marie_lefevre75 @ gmail.com")],
    "iban_lower": ["iban ", P("IBAN", grouped(iban_fr("30004000031234567890143")).lower())],
    "iban_compact": ["Virement sur ", P("IBAN", iban_fr("20041010050500013M02606")), " svp"],
    "siret_grouped": ["Mon entreprise (SIRET ", P("FR_SIRET", grouped(siret("73282932", "0000"), 3)), ")"],
    "siren": ["Société immatriculée au RCS sous le SIREN ", P("FR_SIREN", grouped(siren("73282932"), 3))],
    "card_dashes": ["payé par CB ", P("CREDIT_CARD", grouped(card("497010000000001"), 4, "-"))],
    "tax_id": ["numéro fiscal (SPI) : ", P("FR_TAX_ID", nif("3023217600")), " sur l'avis."],
    "tax_id_spaced": ["Mon n° fiscal est le ", P("FR_TAX_ID", " ".join([nif("1234567890")[:2], nif("1234567890")[2:4],
                                                                     nif("1234567890")[4:7], nif("1234567890")[7:10],
                                                                     nif("1234567890")[10:]]))],
    "caf_colon": ["N° allocataire CAF : ", P("FR_CAF_ID", "1234567"), ". Je touche ", K("l'APL"), "."],
    "caf_after": ["Mon dossier ", P("FR_CAF_ID", "7654321"), " (numéro d'allocataire) est bloqué."],
    "ft_pole_emploi": ["Mon identifiant Pôle emploi : ", P("FR_FRANCE_TRAVAIL_ID", "1234567A"), "."],
    "ft_lower_letter": ["inscrit chez France Travail, identifiant ", P("FR_FRANCE_TRAVAIL_ID", "7654321b")],
    "agdref": ["Numéro AGDREF ", P("FR_AGDREF", "7512345678"), " sur mon titre de séjour."],
    "agdref_words": ["Mon numéro de ressortissant étranger : ", P("FR_AGDREF", "9912345670")],
    "passport": ["Passeport ", P("FR_PASSPORT", "15CV12345"), " expiré le ", K("12 mars 2024"), "."],
    "id_card_old": ["Ma CNI n° ", P("FR_ID_CARD", "880692310285"), " est perdue."],
    "id_card_new": ["carte d'identité : ", P("FR_ID_CARD", "X4RTBPFW4"), "."],
    "plate_siv": ["Ma voiture ", P("FR_LICENSE_PLATE", "GH-456-JK"), " a été enlevée."],
    "plate_fni": ["le véhicule immatriculé ", P("FR_LICENSE_PLATE", "123 ABC 75"), " est à mon nom"],
    # --- addresses ---------------------------------------------------------------------------
    "address_bis_cedex": ["Adresse : ", P("ADDRESS", "12 bis, rue de la République, 69002 Lyon"), "."],
    "address_complement": ["J'habite ", P("ADDRESS", "3 allée des Roses, Bât. B, appt 12, 97200"),
                           " Fort-de-France."],
    "address_corsica": ["Je réside ", P("ADDRESS", "5 chemin du Moulin, 20137"), " Porto-Vecchio."],
    "address_caps": ["ADRESSE : ", P("ADDRESS", "14 AVENUE VICTOR HUGO 75116 PARIS CEDEX 16")],
    "address_no_postcode": ["j'habite au ", P("ADDRESS", "7 impasse des Lilas"), " à ", K("Rennes"),
                            " depuis ", K("2019"), "."],
    "address_multiline": ["Mon adresse :\n", P("ADDRESS", "21 boulevard Gambetta\n13001"), " Marseille"],
    "address_bp": ["Écrire à ", P("ADDRESS", "BP 1234"), ", 97300 Cayenne"],
    # --- dates of birth ----------------------------------------------------------------------
    "dob_nee_words": ["Ma mère est née le ", P("DATE_OF_BIRTH", "3 mars 1948"), " à ", K("Oran"), "."],
    "dob_dotted": ["né(e) le ", P("DATE_OF_BIRTH", "03.03.1980"), ", rendez-vous ", K("le 12/06/2025"), "."],
    "dob_field": ["Date de naissance : ", P("DATE_OF_BIRTH", "12/11/1975"), "\nÉchéance : ",
                  K("30/06/2025")],
    "dob_full_words": ["né le ", P("DATE_OF_BIRTH", "vingt-trois avril mil neuf cent quatre-vingt-cinq")],
    "dob_ddn": ["DDN ", P("DATE_OF_BIRTH", "1/2/90"), " ; dossier déposé ", K("le 5 mai 2025")],
    "dob_after": ["Mon fils (", P("DATE_OF_BIRTH", "14/07/2010"), ", date de naissance) est scolarisé."],
    "dob_place_between": ["née à Lyon le ", P("DATE_OF_BIRTH", "1er janvier 1990")],
    # --- what stays readable -----------------------------------------------------------------
    "keep_law": ["Selon ", K("l'article L. 262-2 du code de l'action sociale et des familles"),
                 " et ", K("le décret n° 2019-797"), ", ai-je droit au ", K("RSA"), " ?"],
    "keep_cerfa": ["J'ai rempli ", K("le formulaire cerfa n° 12345*03"), " et ", K("le cerfa 15186*03"), "."],
    "keep_amounts": ["On me réclame ", K("2 318,40 €"), " puis ", K("450 euros"), " et ", K("1.500,00 EUR"), "."],
    "keep_orgs": ["Je suis allé à ", K("la préfecture du Rhône"), ", puis à ", K("France Travail"),
                  " et au ", K("centre des finances publiques"), " de ", K("Nantes"), "."],
    "keep_dates": ["Mon rendez-vous est ", K("le 12 décembre à 14 h"), ", la date limite est ",
                   K("le 31/01/2026"), " et je paie ", K("depuis le 1er janvier"), "."],
    "keep_city": ["Je vis à ", K("Saint-Denis"), " (", K("La Réunion"), ") et je travaille à ",
                  K("Montpellier"), "."],
    "keep_article_number": ["L'", K("article R. 351-4"), " parle d'un délai de ", K("2 mois"), "."],
    "keep_mixed_case_org": ["la cpam de loire-atlantique et la caf m'ont répondu"],
    # --- mixed messages, written another way ----------------------------------------------------

    "mixed_01": ["Je vous contacte de la part de ma mère, Mme ", P("PERSON","Josiane Perrin"), ", qui ne parle pas bien français."],
    "mixed_02": ["M. et Mme ", P("PERSON","Lefort"), " souhaitent déménager."],
    "mixed_03": ["Bonjour je suis ", P("PERSON","Gwenaëlle Le Floch"), " et j'habite à ", K("Quimper"), "."],
    "mixed_04": ["Mon mari ", P("PERSON","Kader Belkacem"), " est au chômage depuis ", K("trois mois"), "."],
    "mixed_05": ["Dossier suivi pour ", P("PERSON","Oumou Sangaré"), " par ", K("la CAF du Val-de-Marne"), "."],
    "mixed_06": ["Le locataire, ", P("PERSON","Tuan Nguyen"), ", ne paie plus son loyer de ", K("650 €"), "."],
    "mixed_07": ["Mme ", P("PERSON","Boulanger"), " et M. ", P("PERSON","Petit"), " sont voisins."],
    "mixed_08": ["Je soussignée ", P("PERSON","Annick Lenoir"), ", atteste sur l'honneur."],
    "mixed_09": ["Monsieur le Maire, je m'appelle ", P("PERSON","Wojciech Nowak"), "."],
    "mixed_10": ["Bonjour,\n\nJe me permets de vous écrire concernant ", K("mon allocation logement"), ".\n\nCordialement,\n\n", P("PERSON","Rémi Fontaine"), "\n", P("PHONE","06 98 76 54 32")],
    "mixed_11": ["Objet : réclamation\n", P("PERSON","BLANC Évelyne"), "\n", P("ADDRESS","8 rue Pasteur\n59000"), " Lille"],
    "mixed_12": ["Mon fils ", P("PERSON","Noah"), " et ma fille ", P("PERSON","Jade"), " vont à l'école."],
    "mixed_13": ["Veuillez contacter Mme ", P("PERSON","Sylvie Roux"), " au ", P("PHONE","01 23 45 67 89"), "."],
    "mixed_14": ["Le bénéficiaire ", P("PERSON","Abdelkrim Ouali"), " (", P("FR_CAF_ID","2345678"), ", n° allocataire) attend."],
    "mixed_15": ["Mon numéro CAF est le ", P("FR_CAF_ID","0987654"), " et mon conseiller est M. ", P("PERSON","Garnier"), "."],
    "mixed_16": ["numéro de sécu : ", P("FR_NIR", nir("2690975123456", "")), "; numéro INSEE du conjoint ", P("FR_NIR", nir("1700575123456"))],
    "mixed_17": ["Ma carte vitale porte le ", P("FR_NIR", nir("1791299123456", " ")), "."],
    "mixed_18": ["Je réside au ", P("ADDRESS","45, avenue du Général de Gaulle"), " à ", K("Nancy"), "."],
    "mixed_19": ["Nouvelle adresse : ", P("ADDRESS","Résidence Les Pins, 12 rue des Acacias, 13090"), " Aix-en-Provence"],
    "mixed_20": ["domicilié ", P("ADDRESS","lieu-dit Kerbihan, 29200"), " Brest"],
    "mixed_21": ["Mon numéro Pôle Emploi : ", P("FR_FRANCE_TRAVAIL_ID","4567891C"), "; je cherche un emploi à ", K("Lille"), "."],
    "mixed_22": ["Pour mon titre de séjour, mon n° étranger : ", P("FR_AGDREF","0612345678"), "."],
    "mixed_23": ["Pouvez-vous rappeler ", P("PERSON","Fatima Zahra El Idrissi"), " ?"],
    "mixed_24": ["Je suis ", P("PERSON","Jean-Baptiste Poquelin"), ", né le ", P("DATE_OF_BIRTH","15/01/1962"), "."],
    "mixed_25": ["Signature : ", P("PERSON","C. Moreau")],
    "mixed_26": ["Contact : ", P("PERSON","Léa Dubois"), " – ", P("EMAIL","lea.dubois@laposte.net"), " – ", P("PHONE","07 81 92 03 14")],
    "mixed_27": ["Je m'appelle ", P("PERSON","Thanh Huong Pham"), ", j'ai ", K("45 ans"), "."],
    "mixed_28": ["J'ai reçu un courrier de ", K("l'URSSAF"), " et de ", K("la MSA"), " pour ", K("2 400 €"), "."],
    "mixed_29": ["Article ", K("L. 841-1"), " du code de la sécurité sociale : droit à ", K("l'APL"), "."],
    "mixed_30": ["Rendez-vous à ", K("la CPAM de Paris"), " le ", K("14/02/2026"), " à ", K("10 h 30"), "."],
    "mixed_31": ["MON NOM EST ", P("PERSON","DUPUIS GERARD"), " JE N'AI PAS RECU MA PENSION"],
    "mixed_32": ["Son ex-mari, ", P("PERSON","Olivier Marchal"), ", ne verse plus la pension."],
    "mixed_33": ["j'habite ", P("ADDRESS","12 rue victor hugo 75011"), " paris"],
    "mixed_34": ["tel: ", P("PHONE","06 12 34 56 78"), "/", P("PHONE","01 98 76 54 32")],
    "mixed_35": ["Mon IBAN : ", P("IBAN","FR76 3000 6000 0112 3456 7890 189"), ". Mon BIC : AGRIFRPP"],
    "mixed_36": ["le dossier de Mme ", P("PERSON","de Villepin"), " est complet"],
    "mixed_37": ["Je m'appelle ", P("PERSON","Ana Sofia Rodrigues Pereira"), "."],
    "mixed_38": ["Par ailleurs ", P("PERSON","Benoît Lagarde"), " m'a dit que ", K("France Travail"), " me doit ", K("300 €"), "."],
    # --- text without useful capitals ---------------------------------------------------------
    "all_caps": ["BONJOUR, JE M'APPELLE ", P("PERSON", "CATHERINE VAILLANT"), " ET JE SUIS INSCRITE À ",
                 K("FRANCE TRAVAIL"), ". MON NUMÉRO : ", P("PHONE", "06 12 34 56 78")],
    "all_caps_signature": ["JE N'AI PAS REÇU MON ALLOCATION DEPUIS ", K("TROIS MOIS"), ". MERCI, ",
                           P("PERSON", "DOMINIQUE COSTE")],
    "all_lower": ["bonjour, mon père ", P("PERSON", "laurence garcia"), ", né le ",
                  P("DATE_OF_BIRTH", "3 mai 1950"), ", touche ", K("l'aah"), "."],
    "all_lower_signature": ["que dois-je faire ? ", P("PERSON", "renée barthelemy"), ", ",
                            P("EMAIL", "renee.b@example.fr")],
    "lower_ids": ["ma carte d'identité n° ", P("FR_ID_CARD", "g2e9cyky4"), " et ma voiture immatriculée ",
                  P("FR_LICENSE_PLATE", "ab-123-cd")],
    "crlf": ["Bonjour,\r\nJe suis ", P("PERSON", "Nadia Haddad"), ".\r\nTél : ", P("PHONE", "07 81 22 33 44"),
             "\r\nCordialement"],
}

# Messages with no personal data at all: nothing may be masked in them.
CLEAN_TEXTS = [
    "Je demande l'Allocation de Solidarité aux Personnes Âgées depuis mars.",
    "Ma demande de Prime d'Activité et de Complémentaire Santé Solidaire est en cours.","Bonjour, Suite à mon passage à la Maison France Services de Villeneuve-sur-Lot, on m'a dit que la Caisse d'Allocations Familiales devait recalculer mes droits. Le Conseil Départemental de la Haute-Garonne m'a envoyé un courrier le 12 mars. Pouvez-vous m'aider ? Merci beaucoup.",
"Objet : Demande de RSA\nMadame, Monsieur,\nJe vous écris car ma demande de Revenu de Solidarité Active a été refusée. Selon la Loi du 1er décembre 2008, j'y ai droit. J'ai contacté le Défenseur des Droits et l'Assurance Maladie. Bien à vous.",
"Mon Allocation Personnalisée au Logement a baissé. J'habite à Saint-Pierre-des-Corps. La Mutualité Sociale Agricole ne répond pas.",
"Le Tribunal Judiciaire de Bobigny m'a convoqué pour le 3 avril 2026 à 9 h. Je vis à Aubervilliers depuis 2015.",
"J'ai travaillé chez Carrefour Market puis chez Decathlon. Pôle Emploi dit que je dois attendre.",
"Pouvez-vous m'envoyer le Cerfa n°10840*06 ? Je suis Français d'origine algérienne.",
"Je suis en Master à l'Université Paris-Saclay. Le CROUS de Versailles ne m'a pas versé ma bourse de 450 € depuis Septembre.",
"URGENT !!! MA CAF NE ME VERSE PLUS RIEN DEPUIS JANVIER, JE NE PEUX PAS PAYER MON LOYER DE 600 EUROS",
"Bonjour Madame la Préfète, je sollicite un rendez-vous au guichet des étrangers de la Préfecture de la Seine-Saint-Denis.",
"Ma fille est scolarisée au Collège Jean Moulin à Marseille. La bourse de 300 € n'est pas arrivée.",
"Mon médecin traitant, le docteur de la Maison de Santé, m'a prescrit un arrêt. La CPAM du Nord demande le formulaire S3201.",
"J'ai reçu la notification du Département du Val-d'Oise le 02/09/2025 concernant l'APA.",
"Bonjour, pourriez-vous me dire si l'ASPA est cumulable avec la Pension de Réversion de l'Agirc-Arrco ? Merci d'avance.",
"Le 15 janvier, Monsieur le Maire de Toulouse a signé l'arrêté. Madame la Directrice de l'école m'a reçu.",
"Article 6 de la loi n° 89-462 du 6 juillet 1989 : le bailleur doit fournir un logement décent. Mon bailleur Paris Habitat refuse.",
"Numéro de dossier : 2025-123456. Référence de l'avis : 25 A 1234567. Montant : 1 234 €.",
"Je cherche un emploi de Chef de Projet à Lyon ou Grenoble, j'ai un BTS et un Master 2.",
]

CORPUS = [build(case_id, parts) for case_id, parts in CASES.items()]
