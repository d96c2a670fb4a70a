"""Word lists for the PERSON rules: first names, titles, kinship and signature cues, and the
capitalised words that are never names (sentence starters, acronyms of the administration,
months, organisations). All entries are accent-folded lower case (``redaction.normalize.fold``).

The first names are common given names in France (INSEE fichier des prénoms, all periods and
origins); the list only helps to *start* a name ("Catherine Vaillant"), it never masks a lone
word by itself.
"""

FIRST_NAMES = frozenset("""
aaron abdel abdelkader abdallah abdoulaye abdou abel abigail achille adam adele adeline adel adrien
agathe agnes ahmed aicha aida aime aimee alain alan albert alberto alex alexandra alexandre alexia
alexis alfred ali alice alicia aline alix allan alphonse amandine amaury amelie amina amine amir
anais anastasie anatole andre andrea andree ange angele angelique anne annabelle annette annick
annie anouk anthony antoine antoinette antonin apolline arlette armand armelle arnaud arthur
astrid audrey augustin aurelie aurelien aurore axel aya aymeric baptiste barbara bastien beatrice
benedicte benjamin benoit bernadette bernard bertrand blanche boris brigitte bruno camille
capucine carine carole caroline catherine cecile celine cesar chantal charles charlie charlotte
chloe christian christiane christine christophe claire clara clarisse claude claudine clemence
clement clementine colette colin coralie corinne cyril cyrille dalila damien daniel daniele
danielle david delphine denis denise diane didier dimitri dominique dorian dorothee edith
edmond edouard eliane elie eliott elisa elisabeth elise ella elodie eloise elsa emeline emile
emilie emma emmanuel emmanuelle enzo eric erwan estelle esther ethan etienne eugene eugenie eva
evelyne fabien fabienne fabrice fanny fatima fatou fatoumata felix ferdinand fernand fernande
florence florent florian francis franck francois francoise frederic frederique gabriel gabrielle
gael gaelle gaetan garance gaston genevieve georges georgette gerald gerard geraldine germain
germaine gilbert gilles ginette gisele grace gregoire gregory guillaume guy guylaine habib hakim
hamid hana hassan helene henri henriette herve hortense hugo hugues ibrahim ibrahima ines ingrid
irene isabelle ismael jacqueline jacques jade james jean jeanne jeannine jeremie jeremy jerome
joachim joel joelle jonathan jordan joseph josephine josette josiane jules julie julien juliette
justin justine karim karima karine kevin khadija kofi laetitia lamine lea lea leon leonard
leonie leo lina lionel lisa loic lola lou louis louise luc luca lucas lucie lucien lucienne
lucille ludovic lydie madeleine maelle mael magali malik manon marc marcel marcelle margaux
margot marguerite maria marianne marie marielle marine marion marius marthe martin martine
maryse mathilde mathis morgan matthieu maud maurice max maxence maxime mehdi melanie michel michele
micheline mickael mireille mohamed mohammed monique morgane moussa mustapha myriam nadia nadine
nathalie nathan nicolas nicole noah noel noemie oceane odette odile olivier olivia oscar pascal
pascale patrice patricia patrick paul paulette pauline perrine philippe pierre pierrette
quentin rachel rachid raphael raphaelle raymond regine remi renaud rene renee richard robert
robin roger roland romain rose roselyne sabine sacha salome samia samir samuel sandrine sarah
sebastien serge severine simon simone solange solene sophie stephane stephanie suzanne sylvain
sylvie tatiana theo theodore therese thibault thierry thomas timothee tom tristan valentin
valentine valerie vanessa veronique victor victoire vincent violette virginie vivien vivienne
xavier yann yannick yasmine yves yvette yvonne zoe zohra fatiha nabil said sofiane yacine
youssef hamza bilal ilyes rayan adama mamadou ousmane seydou aminata mariama awa oumar cheikh
ion ionut andrei elena mihai vasile svetlana olga natalia irina sergei dmitri ivan anna katarzyna
piotr tomasz agnieszka marek joao ana paulo manuel carlos jose luis pedro miguel antonio
giovanni marco giuseppe wei li mei thi lan minh linh kim hoa trang duc
""".split())

TITLES = frozenset("""
m m. mr mr. mme mme. mmes mlle mlle. melle mm mm. monsieur madame mademoiselle messieurs mesdames
maitre me me. dr dr. docteur pr pr. professeur
""".split())

# Functions that follow a title but are no names ("Monsieur le Maire", "Madame la Préfète").
FUNCTIONS = frozenset("""
maire adjoint adjointe prefet prefete sous-prefet directeur directrice president presidente
ministre juge procureur procureure depute deputee senateur senatrice commissaire conseiller
conseillere agent agente responsable chef secretaire inspecteur inspectrice controleur
controleuse receveur percepteur notaire avocat avocate huissier medecin assistante assistant
""".split())

# Capitalised words that start sentences or name things, never people.
NOT_NAMES = frozenset("""
bonjour bonsoir salut famille madame monsieur mademoiselle messieurs mesdames merci cordialement
cordiales salutations sincerement respectueusement bien objet re tel tél telephone portable
mobile email mail courriel adresse nom prenom date lieu signature pj piece pieces jointe
jointes ps nb urgent important attention rappel question reponse demande dossier numero
caf cpam msa urssaf carsat mdph ccas cnaf cnav ants ofii ofpra dgfip sip sie cfp insee
france travail pole emploi prefecture sous-prefecture mairie tresor public caisse securite
sociale impots impot finances publiques assurance maladie retraite allocations familiales
aah apl als alf rsa ppa are ass aspa css cmu cmuc puma ame rqth pch aeeh asf paje cni nir nif
siret siren rib iban bic tva cerfa code article loi decret arrete circulaire alinea
republique francaise etat gouvernement service services public administration tribunal
conseil departement region commune ville banque poste laposte edf engie sncf ratp hlm oph
lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin
juillet aout septembre octobre novembre decembre
je j tu il elle nous vous ils elles on le la les l un une des du de d au aux ce cet cette
ces mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs qui que quoi quand
comment pourquoi ou où est sont suis ai avez avons ont pouvez puis-je dois-je peut-on
est-ce est-il y a voici voila oui non ok svp stp cdt bjr slt apres avant depuis pendant
pour par avec sans sous sur dans entre chez vers selon concernant suite
mon ma mes votre madame monsieur cher chere chers cheres
rue avenue boulevard place chemin impasse allee quai cours route
francais francaise algerien algerienne marocain marocaine tunisien tunisienne senegalais
senegalaise malien malienne ivoirien ivoirienne europeen europeenne etranger etrangere
""".split())

# Places and other words that are also surnames ("Pauline Paris", "Maryse Noël"): never trimmed
# off a longer name, but never a name on their own nor propagated alone.
AMBIGUOUS = frozenset("""
noel paques paris lyon marseille toulouse nice nantes strasbourg montpellier bordeaux lille rennes reims
toulon grenoble dijon angers nimes brest tours limoges amiens metz besancon perpignan orleans
rouen caen nancy avignon poitiers pau calais rochelle cayenne fort-de-france pointe-a-pitre
saint-denis mamoudzou ajaccio bastia gironde rhone nord essonne bretagne normandie corse
guadeloupe martinique guyane reunion mayotte europe france
""".split())

# All-caps words that are acronyms or shouted words, never surnames.
ACRONYMS = frozenset("""
caf cpam msa urssaf carsat mdph ccas cnaf cnav ants ofii ofpra dgfip sip sie cfp insee aah apl
als alf rsa ppa are ass aspa css cmu cmuc puma ame rqth pch aeeh asf paje cni cnie nir nif siret
siren rib iban bic tva cerfa edf gdf sncf ratp hlm oph tgi tj jaf cesu fr ue eu pdf sms ok cv
ps nb ht ttc rdv svp stp asap urgent important merci bonjour madame monsieur objet nom prenom
adresse tel mail email date re fw tr pj cdt ddn dr mme mlle m mr me sa sas sarl eurl sci ei
eirl ae vtc btp bac cap bts dut but vae cpf pmi ase aide cdd cdi smic rsa-socle ars dreets
ddets dcs crous apl-als anah cafpro ft pe ara ara-re are-f usa uk ue rgpd cnil qr id ok
cheque cb visa pin puk sim iii ii iv vi vii viii ix xi xii xx
""".split())

# Places and bodies named after people ("Collège Jean Moulin", "avenue Jean Jaurès"): a name
# right after one of these words is the institution's or the street's, not a person's.
INSTITUTIONS = frozenset("""
college lycee ecole universite faculte hopital clinique maison centre residence foyer ehpad
association agence cabinet mutuelle banque entreprise societe stade gymnase mediatheque
bibliotheque musee salle espace pole institut fondation groupe hopitaux chu ch hop caisse
rue avenue boulevard place chemin impasse allee quai cours route square passage pont gare
station aeroport parc jardin quartier cite tour batiment immeuble
""".split())

# Lower-case particles inside names ("Jean de La Fontaine", "Mohamed ben Ali").
PARTICLES = frozenset("de du des d' la le van von der den ben bin ibn el al dos da di del della y".split())

# Cues after which a capitalised word sequence is a name.
KINSHIP = (
    "père|mère|fils|fille|frère|sœur|soeur|mari|époux|epoux|épouse|epouse|femme|conjoint|"
    "conjointe|compagnon|compagne|concubin|concubine|oncle|tante|neveu|nièce|niece|cousin|cousine|"
    "grand-père|grand-mère|grand-pere|grand-mere|beau-père|belle-mère|beau-frère|belle-sœur|"
    "petit-fils|petite-fille|enfant|voisin|voisine|tuteur|tutrice|ex-mari|ex-femme|ex-conjoint|"
    "locataire|collègue|ami|amie|curatrice|curateur|filleul|filleule|petit-ami|petite-amie"
)
