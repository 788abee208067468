"""The demo's fixed lists: organisations, users, what each partner delivers, and the names and
nationalities people are drawn from."""

DEMO_PASSWORD = "demo-iom-2026"  # noqa: S105 (demo accounts, printed by make run)

ORGANISATIONS = [
    # slug, name, kind, city
    ("iom-maroc", "OIM Maroc", "iom", "rabat"),
    ("smso-oujda", "Solidarité Médico-Sociale de l'Oriental", "partner", "oujda"),
    ("inclusion-casa", "Inclusion et Droits Casablanca", "partner", "casablanca"),
    ("emploi-solidaire", "Emploi Solidaire Maroc", "partner", "rabat"),
    ("nour-tanger", "Association Nour — santé mentale", "partner", "tanger"),
    ("ambassade-japon", "Ambassade du Japon au Maroc", "donor", "rabat"),
    ("union-europeenne", "Union européenne", "donor", "rabat"),
]

USERS = [
    # username, organisation, role
    ("caseworker", "smso-oujda", "caseworker"),
    ("caseworker.casa", "inclusion-casa", "caseworker"),
    ("manager", "smso-oujda", "partner_manager"),
    ("officer", "iom-maroc", "iom_officer"),
    ("donor", "ambassade-japon", "donor"),
]

# What each partner delivers, with relative weights.
PARTNER_MIX = {
    "smso-oujda": {
        "medical": 30,
        "psychosocial": 12,
        "food": 18,
        "non_food": 15,
        "emergency_housing": 8,
        "awareness": 10,
        "protection": 7,
    },
    "inclusion-casa": {
        "medical": 20,
        "psychosocial": 12,
        "food": 15,
        "non_food": 15,
        "legal": 15,
        "protection": 13,
        "emergency_housing": 10,
    },
    "emploi-solidaire": {"employability": 60, "entrepreneurship": 30, "education": 10},
    "nour-tanger": {"psychosocial": 80, "awareness": 20},
}

FIRST_F = [
    "Fatoumata",
    "Aminata",
    "Mariama",
    "Awa",
    "Aïssatou",
    "Kadiatou",
    "Grace",
    "Blessing",
    "Esther",
    "Fatima",
    "Khadija",
    "Salma",
    "Nadia",
    "Mariam",
    "Hawa",
    "Rokia",
    "Djeneba",
    "Ramatoulaye",
    "Christelle",
    "Josiane",
    "Amina",
    "Zineb",
    "Houda",
    "Joy",
]
FIRST_M = [
    "Mamadou",
    "Ibrahima",
    "Moussa",
    "Ousmane",
    "Abdoulaye",
    "Sekou",
    "Lamine",
    "Cheikh",
    "Mohamed",
    "Youssef",
    "Omar",
    "Karim",
    "Samuel",
    "Emmanuel",
    "Jean",
    "Patrick",
    "Boubacar",
    "Alpha",
    "Amadou",
    "Souleymane",
    "Hamza",
    "Ayoub",
    "Idriss",
    "Yaya",
]
LAST = [
    "Diallo",
    "Traoré",
    "Koné",
    "Camara",
    "Sow",
    "Bah",
    "Touré",
    "Keïta",
    "Cissé",
    "Barry",
    "Sylla",
    "Konaté",
    "Ndiaye",
    "Diop",
    "Fofana",
    "Kouyaté",
    "Okafor",
    "Mensah",
    "Mbala",
    "Kabila",
    "Nkosi",
    "El Amrani",
    "Benali",
    "Alaoui",
    "Bennani",
    "Ouedraogo",
    "Sanogo",
    "Coulibaly",
    "Doumbia",
    "Kamara",
]
NATIONALITIES = {
    "GN": 22,
    "CI": 16,
    "SN": 10,
    "CM": 10,
    "ML": 10,
    "CD": 6,
    "NG": 6,
    "SD": 6,
    "BF": 4,
    "GM": 3,
    "SL": 3,
    "LR": 2,
    "TD": 2,
}
# The share of the people each organisation registers; the partners deliver in these shares.
PEOPLE_SHARES = {
    "smso-oujda": 0.32,
    "inclusion-casa": 0.26,
    "emploi-solidaire": 0.14,
    "nour-tanger": 0.13,
    "iom-maroc": 0.15,
}
HOST_COUNTRIES = ["ES", "LY", "DZ", "DE", "FR", "IT", "TR", "BE"]
