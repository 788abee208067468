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

# The frameworks a project contributes to (DESIGN.md §9): kind, code, fr, en, ar.
# SDG goals use their official short names; the migration-relevant targets a short form of
# their official text (UN: Transforming our world, A/RES/70/1).
SDG_GOALS = [
    ("1", "Pas de pauvreté", "No poverty", "القضاء على الفقر"),
    ("2", "Faim « zéro »", "Zero hunger", "القضاء التام على الجوع"),
    ("3", "Bonne santé et bien-être", "Good health and well-being", "الصحة الجيدة والرفاه"),
    ("4", "Éducation de qualité", "Quality education", "التعليم الجيد"),
    ("5", "Égalité entre les sexes", "Gender equality", "المساواة بين الجنسين"),
    (
        "6",
        "Eau propre et assainissement",
        "Clean water and sanitation",
        "المياه النظيفة والنظافة الصحية",
    ),
    (
        "7",
        "Énergie propre et d'un coût abordable",
        "Affordable and clean energy",
        "طاقة نظيفة وبأسعار معقولة",
    ),
    (
        "8",
        "Travail décent et croissance économique",
        "Decent work and economic growth",
        "العمل اللائق ونمو الاقتصاد",
    ),
    (
        "9",
        "Industrie, innovation et infrastructure",
        "Industry, innovation and infrastructure",
        "الصناعة والابتكار والهياكل الأساسية",
    ),
    ("10", "Inégalités réduites", "Reduced inequalities", "الحد من أوجه عدم المساواة"),
    (
        "11",
        "Villes et communautés durables",
        "Sustainable cities and communities",
        "مدن ومجتمعات محلية مستدامة",
    ),
    (
        "12",
        "Consommation et production responsables",
        "Responsible consumption and production",
        "الاستهلاك والإنتاج المسؤولان",
    ),
    (
        "13",
        "Mesures relatives à la lutte contre les changements climatiques",
        "Climate action",
        "العمل المناخي",
    ),
    ("14", "Vie aquatique", "Life below water", "الحياة تحت الماء"),
    ("15", "Vie terrestre", "Life on land", "الحياة في البر"),
    (
        "16",
        "Paix, justice et institutions efficaces",
        "Peace, justice and strong institutions",
        "السلام والعدل والمؤسسات القوية",
    ),
    (
        "17",
        "Partenariats pour la réalisation des objectifs",
        "Partnerships for the goals",
        "عقد الشراكات لتحقيق الأهداف",
    ),
]

SDG_TARGETS = [
    (
        "1.3",
        "Systèmes et mesures de protection sociale pour tous",
        "Social protection systems and measures for all",
        "نظم وتدابير الحماية الاجتماعية للجميع",
    ),
    (
        "3.8",
        "Couverture sanitaire universelle",
        "Universal health coverage",
        "التغطية الصحية الشاملة",
    ),
    (
        "4.4",
        "Compétences pour l'emploi, le travail décent et l'entrepreneuriat",
        "Skills for employment, decent jobs and entrepreneurship",
        "المهارات اللازمة للعمل وشغل وظائف لائقة ولمباشرة الأعمال الحرة",
    ),
    (
        "5.2",
        "Éliminer toutes les formes de violence faite aux femmes et aux filles, y compris la "
        "traite",
        "Eliminate all forms of violence against women and girls, including trafficking",
        "القضاء على جميع أشكال العنف ضد جميع النساء والفتيات، بما في ذلك الاتجار بالبشر",
    ),
    (
        "8.5",
        "Plein emploi productif et travail décent pour tous",
        "Full and productive employment and decent work for all",
        "العمالة الكاملة والمنتجة وتوفير العمل اللائق للجميع",
    ),
    (
        "8.7",
        "Supprimer le travail forcé, mettre fin à l'esclavage moderne, à la traite et au "
        "travail des enfants",
        "Eradicate forced labour, end modern slavery, human trafficking and child labour",
        "القضاء على العمل الجبري وإنهاء الرق المعاصر والاتجار بالبشر وعمل الأطفال",
    ),
    (
        "8.8",
        "Défendre les droits des travailleurs et promouvoir la sécurité au travail, y compris "
        "pour les travailleurs migrants",
        "Protect labour rights and promote safe working environments, including for migrant "
        "workers",
        "حماية حقوق العمل وتعزيز بيئات عمل سالمة وآمنة لجميع العمال، بمن فيهم العمال المهاجرون",
    ),
    (
        "10.2",
        "Autonomiser toutes les personnes et favoriser leur intégration sociale, économique et "
        "politique",
        "Empower and promote the social, economic and political inclusion of all",
        "تمكين وتعزيز الإدماج الاجتماعي والاقتصادي والسياسي للجميع",
    ),
    (
        "10.7",
        "Faciliter la migration et la mobilité de façon ordonnée, sans danger, régulière et "
        "responsable",
        "Facilitate orderly, safe, regular and responsible migration and mobility of people",
        "تيسير الهجرة وتنقل الأشخاص على نحو منظم وآمن ومنتظم ومتسم بالمسؤولية",
    ),
    (
        "10.c",
        "Faire baisser au-dessous de 3 % les coûts de transaction des envois de fonds des migrants",
        "Reduce the transaction costs of migrant remittances to less than 3 per cent",
        "خفض تكاليف معاملات تحويلات المهاجرين إلى أقل من 3 في المائة",
    ),
    (
        "16.2",
        "Mettre un terme à la maltraitance, à l'exploitation et à la traite, et à toutes les "
        "formes de violence dont sont victimes les enfants",
        "End abuse, exploitation, trafficking and all forms of violence against children",
        "إنهاء إساءة معاملة الأطفال واستغلالهم والاتجار بهم وسائر أشكال العنف المرتكب ضدهم",
    ),
    (
        "16.9",
        "Garantir à tous une identité juridique, notamment grâce à l'enregistrement des naissances",
        "Provide legal identity for all, including birth registration",
        "توفير هوية قانونية للجميع، بما في ذلك تسجيل المواليد",
    ),
    (
        "17.18",
        "Données de qualité, actualisées et exactes, ventilées notamment par statut migratoire",
        "High-quality, timely and reliable data disaggregated, including by migratory status",
        "بيانات عالية الجودة ومتاحة في الوقت المناسب وموثوقة ومصنفة، "
        "بما في ذلك حسب الوضع من حيث الهجرة",
    ),
]

# The 23 objectives of the Global Compact for Safe, Orderly and Regular Migration
# (A/RES/73/195), in its official French, English and Arabic texts.
GCM_OBJECTIVES = [
    (
        "1",
        "Collecter et utiliser des données exactes et ventilées qui serviront à l'élaboration "
        "de politiques fondées sur la connaissance des faits",
        "Collect and utilize accurate and disaggregated data as a basis for evidence-based "
        "policies",
        "جمع واستخدام بيانات دقيقة ومصنفة كأساس لوضع سياسات مستندة إلى الأدلة",
    ),
    (
        "2",
        "Lutter contre les facteurs négatifs et les problèmes structurels qui poussent des "
        "personnes à quitter leur pays d'origine",
        "Minimize the adverse drivers and structural factors that compel people to leave their "
        "country of origin",
        "التقليل إلى أدنى حد من الدوافع السلبية والعوامل الهيكلية التي تضطر الناس إلى مغادرة "
        "بلدهم الأصلي",
    ),
    (
        "3",
        "Fournir dans les meilleurs délais des informations exactes à toutes les étapes de la "
        "migration",
        "Provide accurate and timely information at all stages of migration",
        "توفير معلومات دقيقة في الوقت المناسب في جميع مراحل الهجرة",
    ),
    (
        "4",
        "Munir tous les migrants d'une preuve d'identité légale, de papiers adéquats et de "
        "documents d'identité",
        "Ensure that all migrants have proof of legal identity and adequate documentation",
        "ضمان أن يكون لدى جميع المهاجرين إثبات للهوية القانونية ووثائق كافية",
    ),
    (
        "5",
        "Faire en sorte que les filières de migration régulière soient accessibles et plus souples",
        "Enhance availability and flexibility of pathways for regular migration",
        "تعزيز توافر مسارات الهجرة النظامية ومرونتها",
    ),
    (
        "6",
        "Favoriser des pratiques de recrutement justes et éthiques et assurer les conditions "
        "d'un travail décent",
        "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work",
        "تيسير التوظيف المنصف والأخلاقي وصون الظروف التي تكفل العمل اللائق",
    ),
    (
        "7",
        "S'attaquer aux facteurs de vulnérabilité liés aux migrations et les réduire",
        "Address and reduce vulnerabilities in migration",
        "معالجة مواطن الضعف في الهجرة والحد منها",
    ),
    (
        "8",
        "Sauver des vies et mettre en place une action internationale coordonnée concernant "
        "les migrants disparus",
        "Save lives and establish coordinated international efforts on missing migrants",
        "إنقاذ الأرواح وتنسيق الجهود الدولية بشأن المهاجرين المفقودين",
    ),
    (
        "9",
        "Renforcer l'action transnationale face au trafic de migrants",
        "Strengthen the transnational response to smuggling of migrants",
        "تعزيز التصدي عبر الوطني لتهريب المهاجرين",
    ),
    (
        "10",
        "Prévenir, combattre et éliminer la traite de personnes dans le cadre des migrations "
        "internationales",
        "Prevent, combat and eradicate trafficking in persons in the context of international "
        "migration",
        "منع الاتجار بالأشخاص ومكافحته والقضاء عليه في سياق الهجرة الدولية",
    ),
    (
        "11",
        "Gérer les frontières de manière intégrée, sûre et coordonnée",
        "Manage borders in an integrated, secure and coordinated manner",
        "إدارة الحدود بطريقة متكاملة وآمنة ومنسقة",
    ),
    (
        "12",
        "Veiller à l'invariabilité et à la prévisibilité des procédures migratoires pour mettre "
        "en place des mesures de contrôle, d'évaluation et d'orientation appropriées",
        "Strengthen certainty and predictability in migration procedures for appropriate "
        "screening, assessment and referral",
        "تعزيز اليقين والقدرة على التنبؤ في إجراءات الهجرة لأغراض الفرز والتقييم والإحالة على "
        "النحو المناسب",
    ),
    (
        "13",
        "Ne recourir au placement en rétention administrative des migrants qu'en dernier "
        "ressort et chercher des solutions de rechange",
        "Use migration detention only as a measure of last resort and work towards alternatives",
        "عدم اللجوء إلى احتجاز المهاجرين إلا كملاذ أخير والعمل على إيجاد بدائل له",
    ),
    (
        "14",
        "Renforcer la protection, l'assistance et la coopération consulaires tout au long du "
        "cycle migratoire",
        "Enhance consular protection, assistance and cooperation throughout the migration cycle",
        "تعزيز الحماية والمساعدة والتعاون في المجال القنصلي على امتداد دورة الهجرة",
    ),
    (
        "15",
        "Assurer l'accès des migrants aux services de base",
        "Provide access to basic services for migrants",
        "توفير إمكانية حصول المهاجرين على الخدمات الأساسية",
    ),
    (
        "16",
        "Donner aux migrants et aux sociétés les moyens de réaliser la pleine intégration et "
        "la cohésion sociale",
        "Empower migrants and societies to realize full inclusion and social cohesion",
        "تمكين المهاجرين والمجتمعات من تحقيق الإدماج الكامل والتماسك الاجتماعي",
    ),
    (
        "17",
        "Éliminer toutes les formes de discrimination et encourager un débat public fondé sur "
        "l'analyse des faits afin de faire évoluer la manière dont les migrations sont perçues",
        "Eliminate all forms of discrimination and promote evidence-based public discourse to "
        "shape perceptions of migration",
        "القضاء على جميع أشكال التمييز وتشجيع الخطاب العام المستند إلى الأدلة من أجل تشكيل "
        "التصورات عن الهجرة",
    ),
    (
        "18",
        "Investir dans le perfectionnement des compétences et faciliter la reconnaissance "
        "mutuelle des aptitudes, qualifications et compétences",
        "Invest in skills development and facilitate mutual recognition of skills, "
        "qualifications and competences",
        "الاستثمار في تنمية المهارات وتيسير الاعتراف المتبادل بالمهارات والمؤهلات والكفاءات",
    ),
    (
        "19",
        "Créer les conditions permettant aux migrants et aux diasporas de contribuer "
        "pleinement au développement durable dans tous les pays",
        "Create conditions for migrants and diasporas to fully contribute to sustainable "
        "development in all countries",
        "تهيئة الظروف اللازمة لكي يتمكن المهاجرون والمغتربون من المساهمة بشكل كامل في "
        "التنمية المستدامة في جميع البلدان",
    ),
    (
        "20",
        "Promouvoir des transferts de fonds plus rapides, plus sûrs et moins coûteux et "
        "favoriser l'inclusion financière des migrants",
        "Promote faster, safer and cheaper transfer of remittances and foster financial "
        "inclusion of migrants",
        "تعزيز تحويل المهاجرين للأموال بطرق أسرع وأسلم وأرخص وتيسير الشمول المالي للمهاجرين",
    ),
    (
        "21",
        "Coopérer en vue de faciliter le retour et la réadmission des migrants en toute "
        "sécurité et dans la dignité, ainsi que leur réintégration durable",
        "Cooperate in facilitating safe and dignified return and readmission, as well as "
        "sustainable reintegration",
        "التعاون في تيسير العودة وإعادة القبول في ظروف آمنة وكريمة، وكذلك إعادة الإدماج المستدام",
    ),
    (
        "22",
        "Mettre en place des mécanismes de portabilité des droits de sécurité sociale et des "
        "avantages acquis",
        "Establish mechanisms for the portability of social security entitlements and earned "
        "benefits",
        "إنشاء آليات لنقل استحقاقات الضمان الاجتماعي والمستحقات المكتسبة",
    ),
    (
        "23",
        "Renforcer la coopération internationale et les partenariats mondiaux pour des "
        "migrations sûres, ordonnées et régulières",
        "Strengthen international cooperation and global partnerships for safe, orderly and "
        "regular migration",
        "تعزيز التعاون الدولي والشراكات العالمية من أجل الهجرة الآمنة والمنظمة والنظامية",
    ),
]

# The specific objectives of the national strategy on immigration and asylum that the
# project sheets cite (fiche projet Japon 2023), in their exact French wording.
SNIA_OBJECTIVES = [
    (
        "OS 3",
        "Former les immigrés et réfugiés aux langues et cultures marocaines",
        "Train immigrants and refugees in Moroccan languages and cultures",
        "تكوين المهاجرين واللاجئين في اللغات والثقافة المغربية",
    ),
    (
        "OS 5",
        "Assurer aux immigrés et réfugiés l'accès aux soins dans les mêmes conditions que les "
        "Marocains",
        "Ensure immigrants and refugees have access to health care on the same terms as Moroccans",
        "ضمان ولوج المهاجرين واللاجئين إلى العلاج في نفس الظروف التي يستفيد منها المغاربة",
    ),
    (
        "OS 6",
        "Coordonner l'action des associations dans le domaine de la santé",
        "Coordinate the work of associations in the field of health",
        "تنسيق عمل الجمعيات في مجال الصحة",
    ),
    (
        "OS 7",
        "Promouvoir le droit au logement des immigrés réguliers et réfugiés dans les mêmes "
        "conditions que les Marocains",
        "Promote the right to housing of regular immigrants and refugees on the same terms as "
        "Moroccans",
        "النهوض بحق المهاجرين في وضعية قانونية واللاجئين في السكن في نفس الظروف التي يستفيد "
        "منها المغاربة",
    ),
    (
        "OS 10",
        "Assurer l'accès des immigrés à la formation professionnelle",
        "Ensure immigrants' access to vocational training",
        "ضمان ولوج المهاجرين إلى التكوين المهني",
    ),
]


def framework_objectives() -> list[tuple[str, str, int, str, str, str]]:
    """Every seeded objective as (kind, code, ordering, fr, en, ar): SDG goals and their
    targets in goal order (a target right after its goal), then GCM 1–23, then SNIA."""
    rows = []
    goal_of = {code: int(code) for code, *_labels in SDG_GOALS}
    for code, fr, en, ar in SDG_GOALS:
        rows.append(("sdg", code, goal_of[code] * 100, fr, en, ar))
    for position, (code, fr, en, ar) in enumerate(SDG_TARGETS, start=1):
        rows.append(("sdg", code, int(code.split(".")[0]) * 100 + position, fr, en, ar))
    for code, fr, en, ar in GCM_OBJECTIVES:
        rows.append(("gcm", code, int(code) * 10, fr, en, ar))
    for code, fr, en, ar in SNIA_OBJECTIVES:
        rows.append(("snia", code, int(code.split()[1]) * 10, fr, en, ar))
    return rows
