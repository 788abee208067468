"""The seeded code lists (frozen copies live in the data migrations that load them)."""

# code, fr, en, ar
AXES = [
    (
        "governance",
        "Migration, développement et gouvernance",
        "Migration, development and governance",
        "الهجرة والتنمية والحكامة",
    ),
    ("protection", "Protection et résilience", "Protection and resilience", "الحماية والصمود"),
    ("youth", "Appui à la jeunesse", "Support to youth", "دعم الشباب"),
]

# axis, code, fr, en, ar (annual bilan 2022, one chapter per sub-theme)
SUB_THEMES = [
    (
        "governance",
        "migration_policies",
        "Inclusion de la migration dans les politiques nationales et locales",
        "Mainstreaming migration into national and local policies",
        "إدماج الهجرة في السياسات الوطنية والمحلية",
    ),
    (
        "governance",
        "migration_data",
        "Gestion des données migratoires",
        "Migration data management",
        "تدبير معطيات الهجرة",
    ),
    (
        "governance",
        "regular_pathways",
        "Canaux de migration régulière et mobilité des compétences",
        "Regular migration pathways and skills mobility",
        "مسارات الهجرة النظامية وتنقل الكفاءات",
    ),
    (
        "governance",
        "employability",
        "Employabilité et intégration socio-économique des migrant·e·s",
        "Employability and socio-economic integration of migrants",
        "قابلية التشغيل والإدماج الاجتماعي والاقتصادي للمهاجرين",
    ),
    (
        "governance",
        "media",
        "Échanges avec les professionnel·le·s des médias",
        "Engagement with media professionals",
        "التبادل مع مهنيي وسائل الإعلام",
    ),
    (
        "governance",
        "climate",
        "Migration, environnement et changement climatique",
        "Migration, environment and climate change",
        "الهجرة والبيئة وتغير المناخ",
    ),
    (
        "protection",
        "direct_assistance",
        "Assistance directe inclusive",
        "Inclusive direct assistance",
        "المساعدة المباشرة الشاملة",
    ),
    (
        "protection",
        "medical",
        "Assistance médicale et psychosociale",
        "Medical and psychosocial assistance",
        "المساعدة الطبية والنفسية الاجتماعية",
    ),
    (
        "protection",
        "legal",
        "Assistance juridique et administrative",
        "Legal and administrative assistance",
        "المساعدة القانونية والإدارية",
    ),
    (
        "protection",
        "uasc",
        "Enfants non accompagnés et séparés",
        "Unaccompanied and separated children",
        "الأطفال غير المصحوبين والمنفصلون عن ذويهم",
    ),
    (
        "protection",
        "counter_trafficking",
        "Lutte contre la traite des êtres humains",
        "Counter-trafficking",
        "مكافحة الاتجار بالبشر",
    ),
    (
        "protection",
        "awareness",
        "Sensibilisation des communautés",
        "Community awareness",
        "توعية المجتمعات",
    ),
    (
        "protection",
        "avrr",
        "Aide au retour volontaire et à la réintégration (AVRR)",
        "Assisted voluntary return and reintegration (AVRR)",
        "المساعدة على العودة الطوعية وإعادة الإدماج",
    ),
    (
        "protection",
        "resettlement",
        "Réinstallation des réfugié·e·s",
        "Refugee resettlement",
        "إعادة توطين اللاجئين",
    ),
    (
        "protection",
        "protection_capacity",
        "Renforcement des capacités sur la protection",
        "Protection capacity building",
        "تعزيز القدرات في مجال الحماية",
    ),
    (
        "youth",
        "community_dynamics",
        "Dynamique communautaire",
        "Community engagement",
        "الدينامية المجتمعية",
    ),
    (
        "youth",
        "youth_employment",
        "Insertion professionnelle des jeunes",
        "Youth employment",
        "الإدماج المهني للشباب",
    ),
    (
        "youth",
        "youth_skills",
        "Compétences techniques des enfants et des jeunes",
        "Technical skills of children and youth",
        "المهارات التقنية للأطفال والشباب",
    ),
    (
        "youth",
        "school_dropout",
        "Lutte contre le décrochage scolaire",
        "Preventing school dropout",
        "محاربة الهدر المدرسي",
    ),
    (
        "youth",
        "youth_psychosocial",
        "Appui psychosocial des jeunes",
        "Psychosocial support to youth",
        "الدعم النفسي الاجتماعي للشباب",
    ),
    (
        "youth",
        "partner_associations",
        "Partenariats et mobilisation des associations",
        "Partnerships with associations",
        "الشراكات وتعبئة الجمعيات",
    ),
]

# The default catalogue's indicators → their sub-theme (reporting migration 0010). The
# totals (beneficiaries_reached, assistances_delivered) and the case indicators span the
# axes and belong to none.
INDICATOR_SUB_THEMES = {
    "medical_persons": "medical",
    "medical_services": "medical",
    "psychosocial_persons": "medical",
    "psychosocial_services": "medical",
    "public_health_referrals_completed_persons": "medical",
    "humanitarian_persons": "direct_assistance",
    "humanitarian_services": "direct_assistance",
    "emergency_housing_persons": "direct_assistance",
    "legal_persons": "legal",
    "protection_persons": "legal",
    "awareness_persons": "awareness",
    "avrr_returns": "avrr",
    "returnees_to_morocco": "avrr",
    "reintegration_persons": "avrr",
    "employability_persons": "employability",
    "entrepreneurship_persons": "youth_employment",
}
