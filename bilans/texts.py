"""The words of the bilan PDF and XLSX in French, English and Arabic.

These documents must be complete in the language the donor asked for, whatever the state of
the site's .po files, so their texts live here, keyed by language (French is the source and
the fallback). Indicator labels come from the catalogue (`Indicator.label_fr/en/ar`).
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "org": "Organisation internationale pour les migrations",
        "mission": "OIM Maroc",
        "doc_kind": "Bilan du projet",
        "donor": "Bailleur",
        "period": "Période couverte",
        "budget": "Budget",
        "partners": "Partenaires de mise en œuvre",
        "cities": "Villes d'intervention",
        "provider_cut": "Chiffres limités au partenaire",
        "all_partners": "Tous les partenaires",
        "version": "Version",
        "checksum": "Empreinte des chiffres",
        "generated": "Généré le",
        "page": "Page",
        "of": "sur",
        "contents": "Sommaire",
        "key_figures": "Chiffres clés",
        "key_figures_intro": (
            "Personnes distinctes atteintes et assistances délivrées sur la période, "
            "toutes catégories confondues."
        ),
        "persons_reached": "personnes atteintes",
        "assistances_delivered": "assistances délivrées",
        "women": "Femmes",
        "girls": "Filles",
        "men": "Hommes",
        "boys": "Garçons",
        "unknown": "Non renseigné",
        "total": "Total",
        "indicator": "Indicateur",
        "unit": "Unité",
        "persons": "personnes",
        "services": "services",
        "by_sex": "Répartition par sexe et âge",
        "by_age_band": "Répartition par tranche d'âge",
        "age_band": "Tranche d'âge",
        "age_unknown": "Âge inconnu",
        "years": "ans",
        "and_over": "ans et plus",
        "chart_note": "Femmes, filles, hommes, garçons et non renseigné, par indicateur.",
        "chart_title": "Par sexe et âge, indicateur par indicateur",
        "family_health": "Santé physique et mentale",
        "family_humanitarian": "Aide humanitaire et hébergement d'urgence",
        "family_protection": "Protection et accompagnement juridique",
        "family_awareness": "Sensibilisation",
        "family_avrr": "Retour volontaire assisté et réintégration",
        "family_socioeconomic": "Insertion socio-économique",
        "family_other": "Autres indicateurs",
        "avrr_title": "Retours volontaires assistés",
        "avrr_by_country": "Retours depuis le Maroc, par pays de retour et par sexe",
        "avrr_by_age": "Retours depuis le Maroc, par tranche d'âge",
        "returnees_by_country": "Retours au Maroc, par pays d'accueil quitté et par sexe",
        "returnees_by_age": "Retours au Maroc, par tranche d'âge",
        "reintegration_by_subtype": "Réintégration, par type d'appui",
        "reintegration_note": (
            "Une personne compte une fois sous chaque type d'appui reçu : la colonne peut "
            "dépasser le total des personnes."
        ),
        "country": "Pays",
        "female": "Femmes et filles",
        "male": "Hommes et garçons",
        "support_type": "Type d'appui",
        "no_data": "Aucune donnée sur la période.",
        "methodology": "Méthodologie : comment chaque chiffre est compté",
        "method_source": (
            "Chaque chiffre est calculé à partir des fiches individuelles saisies par les "
            "partenaires : une ligne par service délivré à une personne. Seuls les services "
            "au statut « délivré » dont la date tombe dans la période, bornes comprises, sont "
            "comptés ; les services prévus ou annulés ne le sont jamais."
        ),
        "method_persons": (
            "Un indicateur en « personnes » compte chaque personne une seule fois, quel que "
            "soit le nombre de services reçus. Elle est classée selon son âge à la date de son "
            "premier service retenu dans la période. Deux fiches reconnues comme doublons et "
            "fusionnées comptent pour une seule personne."
        ),
        "method_services": (
            "Un indicateur en « services » compte chaque service délivré ; chacun est classé "
            "selon l'âge de la personne le jour du service. Dans chaque case, le nombre de "
            "personnes ne dépasse donc jamais celui des services."
        ),
        "method_age": (
            "L'âge est le nombre d'années révolues à la date de référence, calculé à partir de "
            "la date de naissance ou, à défaut, de l'année de naissance estimée (au 1er "
            "juillet de cette année). Une personne de moins de 18 ans est mineure : une fille "
            "ou un garçon ; à partir de 18 ans, une femme ou un homme."
        ),
        "method_unknown": (
            "Une personne dont le sexe ou l'âge n'est pas connu est comptée dans la colonne "
            "« non renseigné ». Pour chaque indicateur, femmes + filles + hommes + garçons + "
            "non renseigné = total, et la somme des tranches d'âge est égale au total."
        ),
        "method_bands": (
            "Tranches d'âge : standard 0-4, 5-11, 12-17, 18-24, 25-59, 60 ans et plus ; "
            "retour volontaire 0-10, 11-18, 19-35, 36-65, 66 et plus ; retours au Maroc "
            "0-18, 19-35, 36-60, 61 et plus. L'âge inconnu forme sa propre tranche."
        ),
        "method_countries": (
            "Pour les retours, le pays est celui du retour (départs du Maroc) ou le pays "
            "d'accueil quitté (retours au Maroc), selon le service de retour enregistré."
        ),
        "method_freeze": (
            "Les chiffres de ce bilan ont été figés à sa génération. L'empreinte imprimée en bas "
            "de chaque page (SHA-256 des chiffres) permet de vérifier qu'ils n'ont pas changé "
            "depuis : une correction ultérieure des données donne une nouvelle version."
        ),
        "small_cells_title": "Protection des petits effectifs",
        "small_cells": (
            "Pour protéger les personnes, les effectifs de 1 à {km1} sont remplacés par "
            "« <{k} », et d'autres cases par « x » lorsque leur valeur permettrait de retrouver "
            "un effectif masqué par soustraction. Les totaux publiés restent exacts."
        ),
        "small_cells_one": (
            "Pour protéger les personnes, les effectifs égaux à 1 sont remplacés par « <2 », "
            "et d'autres cases par « x » lorsque leur valeur permettrait de retrouver un "
            "effectif masqué par soustraction. Les totaux publiés restent exacts."
        ),
        "small_cells_none": (
            "Aucun effectif n'est masqué dans ce bilan : le seuil des petits effectifs du "
            "projet est de {k}, si bien que les petits effectifs, 1 compris, sont publiés tels "
            "quels."
        ),
        "small_cells_raw": (
            "Version interne, réservée à l'OIM : aucun effectif n'y est masqué. Les bilans "
            "remis au bailleur remplacent les effectifs inférieurs à {k} par « <{k} »."
        ),
        "counting_rules": "Règles de comptage",
        "disclaimer": (
            "Bilan établi à partir des données enregistrées par l'OIM et ses partenaires. Il ne "
            "contient aucune donnée personnelle."
        ),
        "draft": "Brouillon",
        "published": "Publié",
        "sheet_cover": "Projet",
        "sheet_key": "Chiffres clés",
        "sheet_age": "Tranches d'âge",
        "sheet_avrr": "Retours",
        "sheet_method": "Méthodologie",
        "field": "Champ",
        "value": "Valeur",
        "project": "Projet",
        "code": "Code",
    },
    "en": {
        "org": "International Organization for Migration",
        "mission": "IOM Morocco",
        "doc_kind": "Project report",
        "donor": "Donor",
        "period": "Reporting period",
        "budget": "Budget",
        "partners": "Implementing partners",
        "cities": "Cities",
        "provider_cut": "Figures limited to the partner",
        "all_partners": "All partners",
        "version": "Version",
        "checksum": "Figures checksum",
        "generated": "Generated on",
        "page": "Page",
        "of": "of",
        "contents": "Contents",
        "key_figures": "Key figures",
        "key_figures_intro": (
            "Distinct persons reached and assistances delivered over the period, all "
            "categories together."
        ),
        "persons_reached": "persons reached",
        "assistances_delivered": "assistances delivered",
        "women": "Women",
        "girls": "Girls",
        "men": "Men",
        "boys": "Boys",
        "unknown": "Unknown",
        "total": "Total",
        "indicator": "Indicator",
        "unit": "Unit",
        "persons": "persons",
        "services": "services",
        "by_sex": "By sex and age",
        "by_age_band": "By age band",
        "age_band": "Age band",
        "age_unknown": "Unknown age",
        "years": "years",
        "and_over": "and over",
        "chart_note": "Women, girls, men, boys and unknown, per indicator.",
        "chart_title": "By sex and age, indicator by indicator",
        "family_health": "Physical and mental health",
        "family_humanitarian": "Humanitarian aid and emergency housing",
        "family_protection": "Protection and legal support",
        "family_awareness": "Awareness raising",
        "family_avrr": "Assisted voluntary return and reintegration",
        "family_socioeconomic": "Socio-economic inclusion",
        "family_other": "Other indicators",
        "avrr_title": "Assisted voluntary returns",
        "avrr_by_country": "Returns from Morocco, by country of return and sex",
        "avrr_by_age": "Returns from Morocco, by age band",
        "returnees_by_country": "Returns to Morocco, by host country left and sex",
        "returnees_by_age": "Returns to Morocco, by age band",
        "reintegration_by_subtype": "Reintegration, by type of support",
        "reintegration_note": (
            "A person counts once under each type of support received, so the column may "
            "exceed the total of persons."
        ),
        "country": "Country",
        "female": "Women and girls",
        "male": "Men and boys",
        "support_type": "Type of support",
        "no_data": "No data for the period.",
        "methodology": "Methodology: how every figure is counted",
        "method_source": (
            "Every figure is computed from the individual records entered by the partners: one "
            "row per service delivered to one person. Only services with the status "
            "“delivered” dated within the period, bounds included, are counted; planned or "
            "cancelled services never are."
        ),
        "method_persons": (
            "A “persons” indicator counts each person once, however many services they "
            "received. The person is classified by their age on the date of their first "
            "qualifying service in the period. Two records recognised as duplicates and merged "
            "count as one person."
        ),
        "method_services": (
            "A “services” indicator counts every service delivered; each one is classified by "
            "the person's age on the day of the service. In every cell, persons therefore "
            "never exceed services."
        ),
        "method_age": (
            "Age is the number of whole years at the reference date, from the date of birth "
            "or, failing that, from the estimated year of birth (taken as 1 July of that "
            "year). A person under 18 is a minor: a girl or a boy; from 18, a woman or a man."
        ),
        "method_unknown": (
            "A person whose sex or age is not known is counted in the “unknown” column. For "
            "every indicator, women + girls + men + boys + unknown = total, and the age bands "
            "add up to the total."
        ),
        "method_bands": (
            "Age bands: standard 0-4, 5-11, 12-17, 18-24, 25-59, 60 and over; voluntary return "
            "0-10, 11-18, 19-35, 36-65, 66 and over; returns to Morocco 0-18, 19-35, 36-60, 61 "
            "and over. Unknown age is a band of its own."
        ),
        "method_countries": (
            "For returns, the country is the country of return (departures from Morocco) or "
            "the host country left (returns to Morocco), from the return service recorded."
        ),
        "method_freeze": (
            "The figures of this report were frozen when it was generated. The checksum "
            "printed at the foot of every page (SHA-256 of the figures) shows that they have "
            "not changed since: a later correction of the data gives a new version."
        ),
        "small_cells_title": "Protection of small counts",
        "small_cells": (
            "To protect individuals, counts from 1 to {km1} are replaced by “<{k}”, and other "
            "cells by “x” where their value would reveal a hidden count by subtraction. "
            "Published totals remain exact."
        ),
        "small_cells_one": (
            "To protect individuals, counts of 1 are replaced by “<2”, and other cells by “x” "
            "where their value would reveal a hidden count by subtraction. Published totals "
            "remain exact."
        ),
        "small_cells_none": (
            "No count is hidden in this report: the project's small-cell threshold is {k}, "
            "so small counts, 1 included, are published as they are."
        ),
        "small_cells_raw": (
            "Internal version, for IOM only: no count is hidden in it. The reports given to "
            "the donor replace counts below {k} by “<{k}”."
        ),
        "counting_rules": "Counting rules",
        "disclaimer": (
            "Report drawn from the data recorded by IOM and its partners. It contains no "
            "personal data."
        ),
        "draft": "Draft",
        "published": "Published",
        "sheet_cover": "Project",
        "sheet_key": "Key figures",
        "sheet_age": "Age bands",
        "sheet_avrr": "Returns",
        "sheet_method": "Methodology",
        "field": "Field",
        "value": "Value",
        "project": "Project",
        "code": "Code",
    },
    "ar": {
        "org": "المنظمة الدولية للهجرة",
        "mission": "بعثة المغرب",
        "doc_kind": "حصيلة المشروع",
        "donor": "الجهة المانحة",
        "period": "الفترة المشمولة",
        "budget": "الميزانية",
        "partners": "الشركاء المنفذون",
        "cities": "مدن التدخل",
        "provider_cut": "أرقام الشريك وحده",
        "all_partners": "جميع الشركاء",
        "version": "الإصدار",
        "checksum": "بصمة الأرقام",
        "generated": "تاريخ الإنشاء",
        "page": "صفحة",
        "of": "من",
        "contents": "المحتويات",
        "key_figures": "الأرقام الرئيسية",
        "key_figures_intro": (
            "عدد الأشخاص المختلفين الذين تم الوصول إليهم والمساعدات المقدمة خلال الفترة، "
            "بجميع الفئات."
        ),
        "persons_reached": "شخصا تم الوصول إليهم",
        "assistances_delivered": "مساعدة مقدمة",
        "women": "نساء",
        "girls": "فتيات",
        "men": "رجال",
        "boys": "فتيان",
        "unknown": "غير محدد",
        "total": "المجموع",
        "indicator": "المؤشر",
        "unit": "الوحدة",
        "persons": "أشخاص",
        "services": "خدمات",
        "by_sex": "التوزيع حسب الجنس والسن",
        "by_age_band": "التوزيع حسب الفئة العمرية",
        "age_band": "الفئة العمرية",
        "age_unknown": "سن غير معروف",
        "years": "سنة",
        "and_over": "سنة فما فوق",
        "chart_note": "النساء والفتيات والرجال والفتيان وغير المحدد، لكل مؤشر.",
        "chart_title": "حسب الجنس والسن، مؤشرا بمؤشر",
        "family_health": "الصحة الجسدية والنفسية",
        "family_humanitarian": "المساعدة الإنسانية والإيواء الاستعجالي",
        "family_protection": "الحماية والمواكبة القانونية",
        "family_awareness": "التوعية",
        "family_avrr": "العودة الطوعية المساعدة وإعادة الإدماج",
        "family_socioeconomic": "الإدماج الاجتماعي والاقتصادي",
        "family_other": "مؤشرات أخرى",
        "avrr_title": "العودة الطوعية المساعدة",
        "avrr_by_country": "العودة من المغرب، حسب بلد العودة والجنس",
        "avrr_by_age": "العودة من المغرب، حسب الفئة العمرية",
        "returnees_by_country": "العودة إلى المغرب، حسب بلد الإقامة المغادَر والجنس",
        "returnees_by_age": "العودة إلى المغرب، حسب الفئة العمرية",
        "reintegration_by_subtype": "إعادة الإدماج، حسب نوع الدعم",
        "reintegration_note": (
            "يُحتسب الشخص مرة واحدة تحت كل نوع دعم تلقاه، لذا قد يتجاوز العمود مجموع الأشخاص."
        ),
        "country": "البلد",
        "female": "نساء وفتيات",
        "male": "رجال وفتيان",
        "support_type": "نوع الدعم",
        "no_data": "لا توجد بيانات لهذه الفترة.",
        "methodology": "المنهجية: كيف يُحتسب كل رقم",
        "method_source": (
            "يُحتسب كل رقم انطلاقا من السجلات الفردية التي يدخلها الشركاء: سطر لكل خدمة "
            "مقدمة لشخص واحد. لا تُحتسب إلا الخدمات ذات الحالة «مقدمة» التي يقع تاريخها داخل "
            "الفترة، بما في ذلك حداها؛ ولا تُحتسب أبدا الخدمات المبرمجة أو الملغاة."
        ),
        "method_persons": (
            "يحتسب مؤشر «الأشخاص» كل شخص مرة واحدة مهما كان عدد الخدمات التي تلقاها، ويُصنَّف "
            "حسب سنه في تاريخ أول خدمة معتمدة له خلال الفترة. والسجلان المعترف بأنهما مكرران "
            "والمدمجان يُحتسبان شخصا واحدا."
        ),
        "method_services": (
            "يحتسب مؤشر «الخدمات» كل خدمة مقدمة، وتُصنَّف كل خدمة حسب سن الشخص يوم تقديمها. "
            "لذلك لا يتجاوز عدد الأشخاص عدد الخدمات في أي خانة."
        ),
        "method_age": (
            "السن هو عدد السنوات الكاملة في التاريخ المرجعي، محسوبا من تاريخ الازدياد أو، عند "
            "غيابه، من سنة الازدياد التقديرية (فاتح يوليوز من تلك السنة). الشخص الذي يقل سنه "
            "عن 18 سنة قاصر: فتاة أو فتى؛ وابتداء من 18 سنة: امرأة أو رجل."
        ),
        "method_unknown": (
            "يُحتسب الشخص الذي لا يُعرف جنسه أو سنه في عمود «غير محدد». ولكل مؤشر: النساء + "
            "الفتيات + الرجال + الفتيان + غير المحدد = المجموع، ومجموع الفئات العمرية يساوي "
            "المجموع."
        ),
        "method_bands": (
            "الفئات العمرية: المعيارية 0-4، 5-11، 12-17، 18-24، 25-59، 60 فما فوق؛ العودة "
            "الطوعية 0-10، 11-18، 19-35، 36-65، 66 فما فوق؛ العودة إلى المغرب 0-18، 19-35، "
            "36-60، 61 فما فوق. والسن غير المعروف فئة قائمة بذاتها."
        ),
        "method_countries": (
            "بالنسبة للعودة، البلد هو بلد العودة (المغادرون من المغرب) أو بلد الإقامة المغادَر "
            "(العائدون إلى المغرب)، حسب خدمة العودة المسجلة."
        ),
        "method_freeze": (
            "جُمِّدت أرقام هذه الحصيلة عند إنشائها. وتسمح البصمة المطبوعة أسفل كل صفحة "
            "(SHA-256 للأرقام) بالتحقق من أنها لم تتغير منذ ذلك الحين: أي تصحيح لاحق للبيانات "
            "يعطي إصدارا جديدا."
        ),
        "small_cells_title": "حماية الأعداد الصغيرة",
        "small_cells": (
            "لحماية الأشخاص، تُستبدل الأعداد من 1 إلى {km1} بالرمز «<{k}»، وتُستبدل خانات أخرى "
            "بالرمز «x» عندما تسمح قيمتها باستنتاج عدد محجوب بالطرح. وتبقى المجاميع المنشورة "
            "صحيحة."
        ),
        "small_cells_one": (
            "لحماية الأشخاص، تُستبدل الأعداد المساوية لـ 1 بالرمز «<2»، وتُستبدل خانات أخرى "
            "بالرمز «x» عندما تسمح قيمتها باستنتاج عدد محجوب بالطرح. وتبقى المجاميع المنشورة "
            "صحيحة."
        ),
        "small_cells_none": (
            "لا يُحجب أي عدد في هذه الحصيلة: عتبة الأعداد الصغيرة في المشروع هي {k}، لذلك "
            "تُنشر الأعداد الصغيرة كما هي، بما فيها العدد 1."
        ),
        "small_cells_raw": (
            "نسخة داخلية خاصة بالمنظمة الدولية للهجرة: لا يُحجب فيها أي عدد. أما الحصائل "
            "المسلَّمة للجهة المانحة فتستبدل الأعداد الأقل من {k} بالرمز «<{k}»."
        ),
        "counting_rules": "قواعد الاحتساب",
        "disclaimer": (
            "حصيلة مُعدّة انطلاقا من البيانات التي سجلتها المنظمة الدولية للهجرة وشركاؤها. "
            "ولا تتضمن أي معطيات شخصية."
        ),
        "draft": "مسودة",
        "published": "منشور",
        "sheet_cover": "المشروع",
        "sheet_key": "الأرقام الرئيسية",
        "sheet_age": "الفئات العمرية",
        "sheet_avrr": "العودة",
        "sheet_method": "المنهجية",
        "field": "الخانة",
        "value": "القيمة",
        "project": "المشروع",
        "code": "الرمز",
    },
}

MONTHS = {
    "fr": [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ],
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    # Moroccan usage (the months as said in Morocco).
    "ar": [
        "يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو",
        "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر",
    ],
}  # fmt: skip


def texts_for(language: str) -> dict[str, str]:
    """Every text of the documents in `language`, French where one is missing."""
    base = dict(TEXTS["fr"])
    base.update(TEXTS.get(language, {}))
    return base


def long_date(day, language: str) -> str:
    """`5 juillet 2023`, `5 July 2023`, `5 يوليوز 2023`."""
    return f"{day.day} {MONTHS.get(language, MONTHS['fr'])[day.month - 1]} {day.year}"


def check_complete() -> list[str]:
    """Keys missing from a translation (the tests keep this empty)."""
    return [
        f"{language}:{key}"
        for language in ("en", "ar")
        for key in TEXTS["fr"]
        if key not in TEXTS[language]
    ]
