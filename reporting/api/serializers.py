"""Query parameters of the reporting API."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reporting.engine import POPULATIONS
from reporting.periods import parse_period, period_between

WHOLE_PROJECT = "project"


class BilanQuerySerializer(serializers.Serializer):
    """`project` and either `period` (AAAA, AAAA-Tn, AAAA-MM, `project`) or `start` and `end`.

    `period=project` is the project's whole period: `validated_data["period"]` is then None
    and the view resolves it once the project is known.
    """

    project = serializers.CharField(help_text=_("Code du projet."))
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
