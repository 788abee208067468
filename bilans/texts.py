"""The words of the bilan PDF and XLSX (and of its preview on the bilans pages).

They are gettext strings in French, the source language, under the context "bilan" (the
document keeps its own wording where the site's pages say the same thing differently), so
translators find them in locale/{en,ar} with every other string, and the catalogue tests hold
them to the same contract: every one translated, placeholders intact. A document is written in
its own language, whatever the request's: `build_document` and the renderers work under
`translation.override(document language)`. Indicator labels come from the catalogue of
indicators (`Indicator.label_fr/en/ar`), frozen in the snapshot's context.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import npgettext, pgettext_lazy

# The document's words by key (`doc.texts[key]`, `t.key` in the templates).
TEXTS = {
    "org": pgettext_lazy("bilan", "Organisation internationale pour les migrations"),
    "mission": pgettext_lazy("bilan", "OIM Maroc"),
    "doc_kind": pgettext_lazy("bilan", "Bilan du projet"),
    "donor": pgettext_lazy("bilan", "Bailleur"),
    "period": pgettext_lazy("bilan", "Période couverte"),
    "budget": pgettext_lazy("bilan", "Budget"),
    "partners": pgettext_lazy("bilan", "Partenaires de mise en œuvre"),
    "cities": pgettext_lazy("bilan", "Villes d'intervention"),
    "provider_cut": pgettext_lazy("bilan", "Chiffres limités au partenaire"),
    "version": pgettext_lazy("bilan", "Version"),
    "checksum": pgettext_lazy("bilan", "Empreinte des chiffres"),
    "generated": pgettext_lazy("bilan", "Généré le"),
    "page": pgettext_lazy("bilan", "Page"),
    "of": pgettext_lazy("bilan", "sur"),
    "key_figures": pgettext_lazy("bilan", "Chiffres clés"),
    "key_figures_intro": pgettext_lazy(
        "bilan",
        "Personnes distinctes atteintes et assistances délivrées sur la période, toutes "
        "catégories confondues.",
    ),
    "women": pgettext_lazy("bilan", "Femmes"),
    "girls": pgettext_lazy("bilan", "Filles"),
    "men": pgettext_lazy("bilan", "Hommes"),
    "boys": pgettext_lazy("bilan", "Garçons"),
    "unknown": pgettext_lazy("bilan", "Non renseigné"),
    "total": pgettext_lazy("bilan", "Total"),
    "indicator": pgettext_lazy("bilan", "Indicateur"),
    "unit": pgettext_lazy("bilan", "Unité"),
    "persons": pgettext_lazy("bilan", "personnes"),
    "services": pgettext_lazy("bilan", "services"),
    # The unit column of a median of days: its cells count the closures it is taken over.
    "days": pgettext_lazy("bilan", "clôtures"),
    "median_none": pgettext_lazy("bilan", "aucune clôture sur la période"),
    "median_hidden": pgettext_lazy("bilan", "médiane masquée : moins de %(k)s clôtures"),
    "closure_reason": pgettext_lazy("bilan", "Motif de clôture"),
    "closure_reasons_title": pgettext_lazy("bilan", "%(indicator)s, par motif de clôture"),
    "closure_reasons_note": pgettext_lazy(
        "bilan",
        "Une personne compte une fois sous chaque motif de clôture de la période : la colonne "
        "peut dépasser le total des personnes.",
    ),
    "by_sex": pgettext_lazy("bilan", "Répartition par sexe et âge"),
    "by_age_band": pgettext_lazy("bilan", "Répartition par tranche d'âge"),
    "age_band": pgettext_lazy("bilan", "Tranche d'âge"),
    "age_unknown": pgettext_lazy("bilan", "Âge inconnu"),
    "chart_title": pgettext_lazy("bilan", "Par sexe et âge, indicateur par indicateur"),
    "family_health": pgettext_lazy("bilan", "Santé physique et mentale"),
    "family_humanitarian": pgettext_lazy("bilan", "Aide humanitaire et hébergement d'urgence"),
    "family_protection": pgettext_lazy("bilan", "Protection et accompagnement juridique"),
    "family_awareness": pgettext_lazy("bilan", "Sensibilisation"),
    "family_avrr": pgettext_lazy("bilan", "Retour volontaire assisté et réintégration"),
    "family_socioeconomic": pgettext_lazy("bilan", "Insertion socio-économique"),
    "family_cases": pgettext_lazy("bilan", "Suivi individuel des cas"),
    "family_other": pgettext_lazy("bilan", "Autres indicateurs"),
    "avrr_title": pgettext_lazy("bilan", "Retours volontaires assistés"),
    "avrr_by_country": pgettext_lazy(
        "bilan", "Retours depuis le Maroc, par pays de retour et par sexe"
    ),
    "avrr_by_age": pgettext_lazy("bilan", "Retours depuis le Maroc, par tranche d'âge"),
    "returnees_by_country": pgettext_lazy(
        "bilan", "Retours au Maroc, par pays d'accueil quitté et par sexe"
    ),
    "returnees_by_age": pgettext_lazy("bilan", "Retours au Maroc, par tranche d'âge"),
    "reintegration_by_subtype": pgettext_lazy("bilan", "Réintégration, par type d'appui"),
    "reintegration_note": pgettext_lazy(
        "bilan",
        "Une personne compte une fois sous chaque type d'appui reçu : la colonne peut "
        "dépasser le total des personnes.",
    ),
    "country": pgettext_lazy("bilan", "Pays"),
    "female": pgettext_lazy("bilan", "Femmes et filles"),
    "male": pgettext_lazy("bilan", "Hommes et garçons"),
    "support_type": pgettext_lazy("bilan", "Type d'appui"),
    "no_data": pgettext_lazy("bilan", "Aucune donnée sur la période."),
    "methodology": pgettext_lazy("bilan", "Méthodologie : comment chaque chiffre est compté"),
    "method_source": pgettext_lazy(
        "bilan",
        "Chaque chiffre est calculé à partir des fiches individuelles saisies par les "
        "partenaires : une ligne par service délivré à une personne. Seuls les services au "
        "statut « délivré » dont la date tombe dans la période, bornes comprises, sont "
        "comptés ; les services prévus ou annulés ne le sont jamais.",
    ),
    "method_persons": pgettext_lazy(
        "bilan",
        "Un indicateur en « personnes » compte chaque personne une seule fois, quel que soit "
        "le nombre de services reçus. Elle est classée selon son âge à la date de son premier"
        " service retenu dans la période. Deux fiches reconnues comme doublons et fusionnées "
        "comptent pour une seule personne.",
    ),
    "method_services": pgettext_lazy(
        "bilan",
        "Un indicateur en « services » compte chaque service délivré ; chacun est classé "
        "selon l'âge de la personne le jour du service. Dans chaque case, le nombre de "
        "personnes ne dépasse donc jamais celui des services.",
    ),
    "method_age": pgettext_lazy(
        "bilan",
        "L'âge est le nombre d'années révolues à la date de référence, calculé à partir de la"
        " date de naissance ou, à défaut, de l'année de naissance estimée (au 1er juillet de "
        "cette année). Une personne de moins de 18 ans est mineure : une fille ou un garçon ;"
        " à partir de 18 ans, une femme ou un homme.",
    ),
    "method_unknown": pgettext_lazy(
        "bilan",
        "Une personne dont le sexe ou l'âge n'est pas connu est comptée dans la colonne « non"
        " renseigné ». Pour chaque indicateur, femmes + filles + hommes + garçons + non "
        "renseigné = total, et la somme des tranches d'âge est égale au total.",
    ),
    "method_bands": pgettext_lazy(
        "bilan",
        "Tranches d'âge : standard 0-4, 5-11, 12-17, 18-24, 25-59, 60 ans et plus ; retour "
        "volontaire 0-10, 11-18, 19-35, 36-65, 66 et plus ; retours au Maroc 0-18, 19-35, "
        "36-60, 61 et plus. L'âge inconnu forme sa propre tranche.",
    ),
    "method_countries": pgettext_lazy(
        "bilan",
        "Pour les retours, le pays est celui du retour (départs du Maroc) ou le pays "
        "d'accueil quitté (retours au Maroc), selon le service de retour enregistré.",
    ),
    "method_cases": pgettext_lazy(
        "bilan",
        "Dossiers de suivi : une personne est comptée parmi les dossiers ouverts si l'un de ses "
        "dossiers a été ouvert dans la période (une réouverture n'est pas une ouverture), et "
        "parmi les dossiers clôturés si l'un d'eux a été clôturé dans la période, même s'il a"
        " été rouvert depuis ; elle est classée selon son âge à la date de la première "
        "ouverture ou clôture retenue. La durée médiane va de l'ouverture du dossier à chaque "
        "clôture de la période (un dossier rouvert puis clôturé à nouveau compte depuis sa "
        "première ouverture) ; ses colonnes comptent ces clôtures, chacune classée selon l'âge"
        " de la personne le jour de la clôture.",
    ),
    "method_cases_project": pgettext_lazy(
        "bilan",
        "Un dossier de suivi n'est pas rattaché à un projet : il compte pour le projet lorsque"
        " l'organisation qui le suit en est partenaire et que la personne a reçu au moins une "
        "assistance délivrée du projet au plus tard à la fin de la période. Par ville, un "
        "dossier compte dans la ville de la personne, à défaut dans celle de l'organisation.",
    ),
    "method_capacity": pgettext_lazy(
        "bilan",
        "Renforcement des capacités : les participant·es des formations, ateliers et réunions "
        "de coordination sont des professionnel·les (institutions publiques, société civile, "
        "personnel de santé, OIM, autres), comptés à part, événement par événement, à la date "
        "de début de l'événement ; ils ne comptent jamais parmi les personnes assistées.",
    ),
    # The results framework (results app): achieved against the project's targets.
    "targets_title": pgettext_lazy("bilan", "Cadre de résultats : atteint par rapport aux cibles"),
    "targets_intro": pgettext_lazy(
        "bilan",
        "Pour chaque résultat attendu du projet, la valeur atteinte de chaque indicateur "
        "rapportée à sa valeur cible, pour tout le projet ou par partenaire et par ville "
        "lorsque la cible est ainsi répartie.",
    ),
    "baseline": pgettext_lazy("bilan", "Valeur de référence"),
    "achieved": pgettext_lazy("bilan", "Atteint"),
    "target": pgettext_lazy("bilan", "Cible"),
    "share_of_target": pgettext_lazy("bilan", "Part de la cible"),
    "women_and_girls": pgettext_lazy("bilan", "Femmes et filles"),
    "men_and_boys": pgettext_lazy("bilan", "Hommes et garçons"),
    "whole_project": pgettext_lazy("bilan", "Tout le projet"),
    "sheet_targets": pgettext_lazy("bilan", "Cibles"),
    "method_targets": pgettext_lazy(
        "bilan",
        "Atteint = la valeur de l'indicateur sur la période du bilan, comptée selon les "
        "règles ci-dessus ; la valeur de référence est affichée à côté, non déduite. Une cible "
        "répartie par partenaire ou par ville est comparée à la valeur de l'indicateur pour "
        "ce partenaire (les services qu'il a délivrés) ou dans cette ville.",
    ),
    "method_freeze": pgettext_lazy(
        "bilan",
        "Les chiffres de ce bilan ont été figés à sa génération. L'empreinte imprimée en bas "
        "de chaque page (SHA-256 des chiffres) permet de vérifier qu'ils n'ont pas changé "
        "depuis : une correction ultérieure des données donne une nouvelle version.",
    ),
    "small_cells_title": pgettext_lazy("bilan", "Protection des petits effectifs"),
    "small_cells": pgettext_lazy(
        "bilan",
        "Pour protéger les personnes, les effectifs de 1 à %(km1)s sont remplacés par « "
        "<%(k)s », et d'autres cases par « x » lorsque leur valeur permettrait de retrouver "
        "un effectif masqué par soustraction. Les totaux publiés restent exacts.",
    ),
    "small_cells_one": pgettext_lazy(
        "bilan",
        "Pour protéger les personnes, les effectifs égaux à 1 sont remplacés par « <2 », et "
        "d'autres cases par « x » lorsque leur valeur permettrait de retrouver un effectif "
        "masqué par soustraction. Les totaux publiés restent exacts.",
    ),
    "small_cells_none": pgettext_lazy(
        "bilan",
        "Aucun effectif n'est masqué dans ce bilan : le seuil des petits effectifs du projet "
        "est de %(k)s, si bien que les petits effectifs, 1 compris, sont publiés tels quels.",
    ),
    "small_cells_raw": pgettext_lazy(
        "bilan",
        "Version interne, réservée à l'OIM : aucun effectif n'y est masqué. Les bilans remis "
        "au bailleur remplacent les effectifs inférieurs à %(k)s par « <%(k)s ».",
    ),
    "disclaimer": pgettext_lazy(
        "bilan",
        "Bilan établi à partir des données enregistrées par l'OIM et ses partenaires. Il ne "
        "contient aucune donnée personnelle.",
    ),
    "capacity_title": pgettext_lazy("bilan", "Renforcement des capacités"),
    "capacity_by_kind": pgettext_lazy("bilan", "Événements, par type"),
    "capacity_kind": pgettext_lazy("bilan", "Type d'événement"),
    "capacity_events": pgettext_lazy("bilan", "Événements"),
    "capacity_training": pgettext_lazy("bilan", "Formations"),
    "capacity_workshop": pgettext_lazy("bilan", "Ateliers"),
    "capacity_coordination": pgettext_lazy("bilan", "Réunions de coordination"),
    "capacity_by_institution": pgettext_lazy(
        "bilan", "Participant·es, par type d'institution et par sexe"
    ),
    "capacity_institution": pgettext_lazy("bilan", "Type d'institution"),
    "capacity_women": pgettext_lazy("bilan", "Femmes"),
    "capacity_men": pgettext_lazy("bilan", "Hommes"),
    "capacity_government": pgettext_lazy("bilan", "Institutions publiques"),
    "capacity_civil_society": pgettext_lazy("bilan", "Société civile"),
    "capacity_health_staff": pgettext_lazy("bilan", "Personnel de santé"),
    "capacity_iom": pgettext_lazy("bilan", "OIM"),
    "capacity_other": pgettext_lazy("bilan", "Autres"),
    "capacity_note": pgettext_lazy(
        "bilan",
        "Des professionnel·les, comptés par événement (une personne formée deux fois compte "
        "deux fois) : ces effectifs ne s'ajoutent pas aux personnes assistées.",
    ),
    "sheet_capacity": pgettext_lazy("bilan", "Capacités"),
    "sheet_cover": pgettext_lazy("bilan", "Projet"),
    "sheet_key": pgettext_lazy("bilan", "Chiffres clés"),
    "sheet_avrr": pgettext_lazy("bilan", "Retours"),
    "sheet_method": pgettext_lazy("bilan", "Méthodologie"),
    "project": pgettext_lazy("bilan", "Projet"),
    # The mission's bilan (DESIGN.md §9), after the annual bilan of IOM Morocco.
    "mission_kind": pgettext_lazy("bilan", "Bilan de la mission"),
    "mission_title": pgettext_lazy("bilan", "Bilan de la mission de l'OIM au Maroc"),
    "mission_key_intro": pgettext_lazy(
        "bilan",
        "Toutes les assistances délivrées sur la période, de tous les projets et hors projet. "
        "Chaque personne est comptée une seule fois, quels que soient les projets et les "
        "partenaires qui l'ont assistée.",
    ),
    "women_share": pgettext_lazy("bilan", "de femmes et de filles parmi les personnes atteintes"),
    "by_city_title": pgettext_lazy("bilan", "Personnes atteintes par ville"),
    "by_city_note": pgettext_lazy(
        "bilan",
        "Chaque personne est comptée une fois, dans la ville de sa première assistance de la "
        "période : les villes s'additionnent au total des personnes atteintes.",
    ),
    "city": pgettext_lazy("bilan", "Ville"),
    "city_unknown": pgettext_lazy("bilan", "Ville non renseignée"),
    "axis_heading": pgettext_lazy("bilan", "Axe %(number)s : %(label)s"),
    "axis_persons": pgettext_lazy("bilan", "Personnes atteintes dans l'axe, par sexe et âge"),
    "axis_persons_row": pgettext_lazy("bilan", "Personnes distinctes de l'axe"),
    "axis_note": pgettext_lazy(
        "bilan",
        "Une personne compte une fois dans l'axe, même assistée dans plusieurs de ses "
        "sous-thématiques.",
    ),
    "axis_empty": pgettext_lazy(
        "bilan", "Aucun indicateur du catalogue n'est rattaché aux sous-thématiques de cet axe."
    ),
    "sub_themes_without": pgettext_lazy(
        "bilan", "Sous-thématiques sans indicateur dans le catalogue : %(names)s."
    ),
    "sub_theme_persons_row": pgettext_lazy("bilan", "Personnes distinctes de la sous-thématique"),
    "other_indicators": pgettext_lazy("bilan", "Indicateurs hors axes"),
    "capacity_intro": pgettext_lazy(
        "bilan",
        "Formations, ateliers et réunions de coordination destinés aux professionnel·le·s : "
        "leurs participant·e·s sont comptés à part, jamais parmi les personnes assistées.",
    ),
    "donors_title": pgettext_lazy("bilan", "Bailleurs et partenaires de la période"),
    "donors_intro": pgettext_lazy(
        "bilan",
        "Les projets actifs pendant la période, avec leur bailleur, leurs partenaires de mise "
        "en œuvre et leurs axes d'intervention.",
    ),
    "axes": pgettext_lazy("bilan", "Axes d'intervention"),
    "no_project": pgettext_lazy("bilan", "Aucun projet actif sur la période."),
    "method_mission_scope": pgettext_lazy(
        "bilan",
        "Le bilan de la mission couvre toutes les assistances délivrées dans la période, "
        "quel que soit le projet qui les finance, y compris celles qui ne relèvent d'aucun "
        "projet, et quel que soit le partenaire qui les a délivrées.",
    ),
    "method_mission_once": pgettext_lazy(
        "bilan",
        "Une personne assistée par plusieurs projets ou par plusieurs partenaires est comptée "
        "une seule fois : les chiffres de la mission ne sont pas la somme des bilans des "
        "projets, qui la comptent chacun.",
    ),
    "method_mission_first": pgettext_lazy(
        "bilan",
        "Règle de la première assistance : chaque personne est classée selon son âge, sa "
        "ville et, pour les retours, son pays à la date de sa première assistance retenue dans"
        " la période (à date égale, la première enregistrée). Les villes comme les tranches "
        "d'âge s'additionnent donc au total des personnes.",
    ),
    "method_mission_axes": pgettext_lazy(
        "bilan",
        "Un axe compte les personnes distinctes ayant reçu au moins une assistance retenue "
        "par un indicateur de ses sous-thématiques. Une personne assistée dans deux axes "
        "compte dans chacun : la somme des axes peut dépasser le total des personnes atteintes.",
    ),
    "method_mission_projects": pgettext_lazy(
        "bilan",
        "Les projets, bailleurs et partenaires de la période sont ceux des projets actifs au "
        "moins un jour de la période, tels qu'enregistrés à la génération du bilan ; les "
        "villes comptées sont celles où au moins une personne a reçu sa première assistance.",
    ),
    "mission_small_cells": pgettext_lazy(
        "bilan",
        "Bilan interne, réservé au personnel de l'OIM : aucun effectif n'y est masqué, petits "
        "effectifs compris. Avant toute diffusion hors de l'OIM, masquez les effectifs de 1 à "
        "4 (« <5 »), comme dans les bilans remis aux bailleurs.",
    ),
    "mission_disclaimer": pgettext_lazy(
        "bilan",
        "Bilan interne établi à partir des données enregistrées par l'OIM et ses partenaires, "
        "réservé au personnel de l'OIM. Il ne contient aucune donnée personnelle.",
    ),
    "donors": pgettext_lazy("bilan", "Bailleurs"),
    "sheet_mission": pgettext_lazy("bilan", "Mission"),
    "sheet_indicators": pgettext_lazy("bilan", "Indicateurs"),
    "sheet_cities": pgettext_lazy("bilan", "Par ville"),
    "sheet_axes": pgettext_lazy("bilan", "Par axe"),
    "sheet_donors": pgettext_lazy("bilan", "Bailleurs et partenaires"),
}

# Moroccan usage in Arabic (the months as said in Morocco: يوليوز, غشت, …).
MONTHS = (
    pgettext_lazy("bilan", "janvier"),
    pgettext_lazy("bilan", "février"),
    pgettext_lazy("bilan", "mars"),
    pgettext_lazy("bilan", "avril"),
    pgettext_lazy("bilan", "mai"),
    pgettext_lazy("bilan", "juin"),
    pgettext_lazy("bilan", "juillet"),
    pgettext_lazy("bilan", "août"),
    pgettext_lazy("bilan", "septembre"),
    pgettext_lazy("bilan", "octobre"),
    pgettext_lazy("bilan", "novembre"),
    pgettext_lazy("bilan", "décembre"),
)


def texts_for(language: str) -> dict[str, str]:
    """Every text of `TEXTS` in `language` (French where a translation is missing)."""
    with translation.override(language):
        return {key: str(text) for key, text in TEXTS.items()}


def long_date(day) -> str:
    """`5 juillet 2023`, `5 July 2023`, `5 يوليوز 2023`: in the active language."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def hidden_count_stand_in(value, k: int):
    """The number a count's words agree with: the count itself, or for a hidden one
    (`<k`, `x`) the threshold k (a hidden count reads "fewer than k" or stands among counts
    of k and more)."""
    return value if isinstance(value, int) else max(k, 2)


def key_figure_label(code: str, total: int) -> str:
    """The words under a key figure's number: "personnes atteintes", "assistances
    délivrées", agreeing with `total` (a number, see `hidden_count_stand_in`)."""
    if code == "beneficiaries_reached":
        return npgettext("bilan", "personne atteinte", "personnes atteintes", total)
    return npgettext("bilan", "assistance délivrée", "assistances délivrées", total)


def mission_tile_label(kind: str, count: int) -> str:
    """The words under a key figure of the mission's bilan, agreeing with `count`: cities
    reached, implementing partners, projects and donors of the period."""
    if kind == "cities":
        return npgettext("bilan", "ville atteinte", "villes atteintes", count)
    if kind == "partners":
        return npgettext(
            "bilan", "partenaire de mise en œuvre", "partenaires de mise en œuvre", count
        )
    if kind == "projects":
        return npgettext(
            "bilan", "projet actif sur la période", "projets actifs sur la période", count
        )
    return npgettext("bilan", "bailleur", "bailleurs", count)


def median_days_label(median: float, days: str) -> str:
    """ "médiane : 42 jours" for a median of `median` days written `days` ("42", "0,5"); the
    unit agrees with the whole days (French: 0,5 and 1,5 jour)."""
    return npgettext(
        "bilan", "médiane : %(days)s jour", "médiane : %(days)s jours", int(median)
    ) % {"days": days}


def age_band_label(band: str) -> str:
    """`0-4 ans`, `60 ans et plus`, `Âge inconnu` from the bands of the bilan JSON (`0-4`,
    `60+`, `unknown`): the unit agrees with the band's last number."""
    if band == "unknown":
        return str(TEXTS["age_unknown"])
    if band.endswith("+"):
        age = band[:-1]
        return npgettext("bilan", "%(age)s an et plus", "%(age)s ans et plus", int(age)) % {
            "age": age
        }
    last = int(band.rsplit("-", 1)[-1])
    return npgettext("bilan", "%(band)s an", "%(band)s ans", last) % {"band": band}
