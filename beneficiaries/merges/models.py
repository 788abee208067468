"""The record of each merge of two duplicate records of one person, so that it can be undone.

Imported at the end of beneficiaries.models, so Django registers BeneficiaryMerge with the app
and `from beneficiaries.models import BeneficiaryMerge` works."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary


class BeneficiaryMergeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A merge is seen by whoever sees both of its records (IOM: every one it sees)."""
        people = Beneficiary.objects.visible_to(user)
        return self.filter(duplicate__in=people, keep__in=people)

    def in_force(self):
        """Not undone."""
        return self.filter(undone_at__isnull=True)

    def of(self, person):
        """The merges `person` took part in, as the duplicate or as the kept record."""
        pk = getattr(person, "pk", person)
        return self.filter(Q(duplicate_id=pk) | Q(keep_id=pk))


class BeneficiaryMerge(models.Model):
    """One merge of `duplicate` into `keep` (beneficiaries.merges.services.beneficiary_merge):
    who, when, the ids of the rows that moved (per relation: each app registered with
    beneficiaries.hooks.register_merge, plus "consents" and the "accesses" the merge created)
    and the kept record's person fields before the merge (`kept_before`) and as the merge wrote
    them (`kept_after`, the fields it changed), so that an IOM officer can undo it
    (`beneficiary_merge_undo`). Personal data: erased with the kept record
    (beneficiary_pseudonymise)."""

    duplicate = models.ForeignKey(
        Beneficiary,
        verbose_name=_("doublon"),
        on_delete=models.PROTECT,
        related_name="merges_as_duplicate",
    )
    keep = models.ForeignKey(
        Beneficiary,
        verbose_name=_("fiche conservée"),
        on_delete=models.PROTECT,
        related_name="merges_as_keep",
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fusionnée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("fusionnée le"))
    moved = models.JSONField(_("lignes déplacées"), default=dict, blank=True)
    kept_before = models.JSONField(_("fiche conservée avant la fusion"), default=dict)
    kept_after = models.JSONField(_("valeurs retenues"), default=dict, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = BeneficiaryMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("fusion de fiches")
        verbose_name_plural = _("fusions de fiches")
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(duplicate=models.F("keep")), name="beneficiary_merge_two_records"
            ),
            # A record is merged into one other at a time: its live merge is unique.
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=Q(undone_at__isnull=True),
                name="beneficiary_merge_one_live_per_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id} → {self.keep_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
