from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("Assistances")

    def ready(self):
        # Hook (beneficiaries.hooks): a person's list, filters and file show their
        # assistances, as far as the viewer may see them; beneficiaries may not import us.
        from assistance import erasure, merge, selectors, views
        from beneficiaries import hooks

        hooks.register(
            with_last_assisted=selectors.with_last_assisted,
            assisted_between=selectors.assisted_between,
            person_page=views.person_page,
        )
        # DESIGN.md §8: erasing a person clears their assistances' free text and freezes the
        # age each one counts with; retention runs from their latest record here.
        hooks.register_erasure(
            app=self.label, erase=erasure.erase, last_activity=erasure.last_activity
        )
        # A merge of duplicates (beneficiaries.merges) moves the person's rows of each
        # relation here to the kept record, and its undo moves them back; one check (on the
        # assistances) refuses an undo that would change the figures of a closed period.
        for index, (name, model) in enumerate(merge.RELATIONS.items()):
            hooks.register_merge(
                app=name,
                move=merge.mover(model),
                restore=merge.restorer(model),
                undo_refusal=merge.undo_refusal if index == 0 else None,
            )
        # Hook (core.digest): referrals awaiting an answer, in the morning digest of the
        # receiving partner's staff and of their sender.
        from assistance.referrals import digest as referral_digest
        from core import digest

        digest.register(
            "referrals", collect=referral_digest.collect, describe=referral_digest.describe
        )
