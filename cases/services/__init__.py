"""Every write of case work (STYLE.md, "Where logic lives"): each service checks the acting
user's rights, validates with full_clean(), writes its audit entry in the same transaction.

- `cases`: open, update (assignee, risk), close, reopen, transfer one or many;
- `plans`: assessments, goals and the assistances that serve them, follow-ups;
- `confidential`: notes and documents, encrypted at rest (core.crypto, core.protected_files).
"""

from cases.services.cases import (
    case_close,
    case_open,
    case_reopen,
    case_transfer,
    case_update,
    cases_open_on_registration,
)
from cases.services.confidential import (
    document_read,
    document_upload,
    note_add,
    note_text,
)
from cases.services.plans import (
    assessment_record,
    followup_add,
    followup_complete,
    goal_add,
    goal_link_assistance,
    goal_update,
)

__all__ = [
    "assessment_record",
    "case_close",
    "case_open",
    "case_reopen",
    "case_transfer",
    "case_update",
    "cases_open_on_registration",
    "document_read",
    "document_upload",
    "followup_add",
    "followup_complete",
    "goal_add",
    "goal_link_assistance",
    "goal_update",
    "note_add",
    "note_text",
]
