from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Suivi des cas")

    def ready(self):
        # Hooks (beneficiaries.hooks): beneficiaries sits below us and may not import us.
        from beneficiaries import hooks
        from cases import confidential_views, erasure, merge, views
        from cases import digest as case_digest
        from cases.services import cases_open_on_registration
        from core import crypto, digest, protected_files
        from partners import hooks as partners_hooks

        # DESIGN.md §8: erasing a person deletes their case notes and documents and clears
        # their cases' free text; retention runs from their latest case event too.
        hooks.register_erasure(
            app=self.label, erase=erasure.erase, last_activity=erasure.last_activity
        )
        # DESIGN.md §7: an organisation may open a case for everyone it registers.
        hooks.register_on_registered(app=self.label, callback=cases_open_on_registration)
        # DESIGN.md §7: a person's file shows their cases (those the viewer may see).
        hooks.register_person_section(app=self.label, section=views.person_section)
        # A merge of duplicates moves the person's cases to the kept record; its undo, back.
        hooks.register_merge(app=self.label, move=merge.move, restore=merge.restore)
        # The morning digest (core.digest): each assignee's follow-ups due today and overdue.
        digest.register("followups", collect=case_digest.collect, describe=case_digest.describe)
        # Key rotation (core.crypto, `rotate_encryption_key`) re-encrypts these.
        crypto.register_encrypted_field("cases.casenote", "body_encrypted")
        crypto.register_encrypted_field("cases.casedocument", "original_name_encrypted")
        protected_files.register_encrypted_file_field("cases.casedocument", "stored_name")
        # partners.hooks: withdrawing a member's access lists their open cases, with the
        # page that transfers them.
        partners_hooks.register_open_work(confidential_views.open_work)
