"""Query parameters of the reporting API."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reporting.engine import POPULATIONS
from reporting.periods import parse_period, period_between

WHOLE_PROJECT = "project"
SCOPES = ("project", "mission")


class BilanQuerySerializer(serializers.Serializer):
    """`project` and either `period` (AAAA, AAAA-Tn, AAAA-MM, `project`) or `start` and `end`;
    or `scope=mission` (no project, no provider) and a period (DESIGN.md §9).

    `period=project` is the project's whole period: `validated_data["period"]` is then None
    and the view resolves it once the project is known.
    """

    scope = serializers.ChoiceField(
        choices=SCOPES,
        default="project",
        required=False,
        help_text=_(
            "project (défaut) : le bilan d'un projet ; mission : toute la mission, tous les "
            "projets et hors projet (personnel de l'OIM uniquement)."
        ),
    )
    project = serializers.CharField(
        required=False, help_text=_("Code du projet (obligatoire pour un projet).")
    )
    period = serializers.CharField(
        required=False,
        help_text=_(
            "2023, 2023-Q2, 2023-05, ou « project » pour toute la durée du projet. Les "
            "bailleurs : un trimestre, une année ou « project », sans autre découpage."
        ),
    )
    start = serializers.DateField(required=False, help_text=_("Début inclus (AAAA-MM-JJ)."))
    end = serializers.DateField(required=False, help_text=_("Fin incluse (AAAA-MM-JJ)."))
    organisation = serializers.CharField(
        required=False, help_text=_("Identifiant du prestataire : le bilan est coupé à lui.")
    )
    population = serializers.ChoiceField(choices=POPULATIONS, default="all", required=False)

    def validate(self, attrs):
        mission = attrs.get("scope", "project") == "mission"
        if mission and (attrs.get("project") or attrs.get("organisation")):
            raise serializers.ValidationError(
                _("Le bilan de la mission couvre tous les projets et tous les partenaires.")
            )
        if not mission and not attrs.get("project"):
            raise serializers.ValidationError({"project": _("Ce champ est obligatoire.")})
        if mission and (attrs.get("period") or "").strip() == WHOLE_PROJECT:
            raise serializers.ValidationError(
                {"period": _("« project » n'a pas de sens pour le bilan de la mission.")}
            )
        try:
            if attrs.get("period"):
                if attrs.get("start") or attrs.get("end"):
                    raise serializers.ValidationError(
                        _("Donnez « period » ou « start » et « end », pas les deux.")
                    )
                text = attrs["period"].strip()
                attrs["period"] = None if text == WHOLE_PROJECT else parse_period(text)
            elif attrs.get("start") and attrs.get("end"):
                attrs["period"] = period_between(attrs["start"], attrs["end"])
            else:
                raise serializers.ValidationError(_("Donnez « period », ou « start » et « end »."))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return attrs
