"""Name and place lists for realistic, deterministic demo data."""

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Emma", "Claire", "Aïssatou", "Zoé",
    "Nadia", "Fatima", "Sophie", "Élodie", "Amandine", "Pauline", "Marion", "Hélène", "Isabelle",
    "Nathalie", "Valérie", "Sandrine", "Aurélie", "Céline", "Karima", "Yasmine", "Anne-Laure", "Maëlle",
    "Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Karim", "Mehdi", "Olivier", "François",
    "Jérôme", "Sébastien", "Mathieu", "Hugo", "Lucas", "Yannick", "Stéphane", "Grégoire", "Loïc",
]

LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Diallo", "Benali", "Nguyen", "Traoré", "Haddad", "Le Gall", "Kervella", "O'Neill", "Da Silva",
    "Delacroix", "Boulanger", "Caron", "Dumont", "Lemaire", "Carpentier", "Lecomte", "Vasseur",
]

# (department, city) pairs: Pas-de-Calais, Nord, Allier, Paris, Rhône, Bouches-du-Rhône, Gironde, Ille-et-Vilaine
PLACES = [
    ("62", "Arras"), ("62", "Lens"), ("62", "Boulogne-sur-Mer"), ("62", "Calais"),
    ("59", "Lille"), ("59", "Valenciennes"),
    ("03", "Moulins"), ("03", "Montluçon"), ("03", "Vichy"),
    ("75", "Paris"), ("69", "Lyon"), ("13", "Marseille"), ("33", "Bordeaux"), ("35", "Rennes"),
]

ORGANISATIONS = [
    ("CNFPT", "training_body", None),
    ("UNAFORIS", "training_body", None),
    ("Croix-Rouge française", "association", None),
    ("École nationale de la magistrature", "training_body", "33"),
    ("CHU de Lille", "hospital", "59"),
    ("Centre hospitalier d'Arras", "hospital", "62"),
    ("Centre hospitalier de Moulins-Yzeure", "hospital", "03"),
    ("Conseil départemental du Pas-de-Calais", "local_authority", "62"),
    ("Conseil départemental de l'Allier", "local_authority", "03"),
    ("France Victimes 62", "association", "62"),
    ("CIDFF de l'Allier", "association", "03"),
    ("Ordre des sages-femmes", "professional_order", None),
    ("Ordre national des chirurgiens-dentistes", "professional_order", None),
    ("Préfecture du Pas-de-Calais", "public_service", "62"),
    ("SDIS du Pas-de-Calais", "public_service", "62"),
    ("Groupement de gendarmerie de l'Allier", "public_service", "03"),
    ("Assistance publique – Hôpitaux de Paris", "hospital", "75"),
    ("Hospices civils de Lyon", "hospital", "69"),
]
