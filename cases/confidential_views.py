"""Pages of a case's confidential notes and documents, and of transfers (DESIGN.md section 7).

Notes and documents are the owning organisation's alone: every one is looked up through
`CaseNote.objects.visible_to` / `CaseDocument.objects.visible_to` (404 for anyone else: another
partner, a partner the person was referred to, IOM for a partner's case, a donor). Reading a
note's text and downloading a document are logged in the access log, each time, against the
person's file (cases.access).

Transfers are for the managers of the case's organisation (IOM officers for IOM's own cases):
one case, or every open case of a member who leaves; a confirmation says how many cases and
follow-ups move before anything does. Everyone else gets a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cases import access as case_access
from cases import services
from cases.confidential_forms import (
    CaseTransferForm,
    DocumentForm,
    NoteForm,
    TransferAllForm,
)
from cases.models import Case, CaseDocument, CaseNote, FollowUp
from cases.services.base import manages_cases
from core import protected_files
from core.forms import form_errors_from
from core.uploads import upload_refused, validate_document
from partners.hooks import OpenWork
from partners.permissions import require_case_staff


def case_page_url(case: Case) -> str:
    """The case's own page (cases.views), where its notes and documents are listed too."""
    return reverse("cases:detail", args=[case.pk])


def _own_case(request, case_id: int) -> Case:
    """A case whose notes and documents the user may read and write: their own
    organisation's (the rule of ConfidentialQuerySet.visible_to: IOM officers for IOM's cases
    only). Anyone else gets a 404."""
    require_case_staff(request)
    return get_object_or_404(
        Case.objects.writable_by(request.user).select_related(
            "beneficiary", "organisation", "assigned_to"
        ),
        pk=case_id,
    )


def _files_context(request, case: Case, **extra) -> dict:
    user = request.user
    return {
        "case": case,
        "person": case.beneficiary,
        "case_url": case_page_url(case),
        "notes": CaseNote.objects.visible_to(user).filter(case=case).select_related("created_by"),
        "documents": CaseDocument.objects.visible_to(user)
        .filter(case=case)
        .select_related("created_by"),
        "note_form": NoteForm(),
        "can_transfer": manages_cases(user),
        **extra,
    }


@login_required
@require_GET
def case_files(request, case_id: int):
    """The case's notes (dates and authors: reading one is a logged view of its own) and
    documents, the form of a new note and the link to add a document."""
    case = _own_case(request, case_id)
    return render(request, "cases/files/index.html", _files_context(request, case))


@login_required
@require_POST
def note_add(request, case_id: int):
    case = _own_case(request, case_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(case=case, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("Note confidentielle enregistrée."))
            return redirect(case_page_url(case))
    return render(
        request,
        "cases/files/index.html",
        _files_context(request, case, note_form=form),
        status=400,
    )


@login_required
@require_GET
@never_cache
def note_detail(request, casenote_id: int):
    """One note's text, decrypted for its reader; each reading is logged."""
    require_case_staff(request)
    note = get_object_or_404(
        CaseNote.objects.visible_to(request.user).select_related("case__beneficiary", "created_by"),
        pk=casenote_id,
    )
    try:
        text = services.note_text(note=note, user=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    case_access.record_note_read(request, note)
    return render(
        request,
        "cases/files/note_detail.html",
        {
            "note": note,
            "case": note.case,
            "person": note.case.beneficiary,
            "text": text,
            "case_url": case_page_url(note.case),
        },
    )


@login_required
def document_upload(request, case_id: int):
    case = _own_case(request, case_id)
    posted = request.method == "POST"
    # The body is parsed here (request.POST and request.FILES): a file over the limit is
    # stopped as it comes in, and upload_refused() says so.
    data, files = (request.POST, request.FILES) if posted else (None, None)
    form = DocumentForm(
        data, files, refused_upload=_document_too_large() if upload_refused(request) else ""
    )
    if posted and form.is_valid():
        try:
            services.document_upload(
                case=case,
                acting_user=request.user,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form_errors_from(form, error)
            else:
                form.add_error("file", error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("Document enregistré (chiffré)."))
            return redirect(case_page_url(case))
    return render(
        request,
        "cases/files/document_form.html",
        {"form": form, "case": case, "person": case.beneficiary, "case_url": case_page_url(case)},
        status=400 if posted else 200,
    )


def _document_too_large() -> str:
    """validate_document's own size error, for an upload stopped before its end."""

    class _Oversized:
        size = settings.DOCUMENT_MAX_UPLOAD_BYTES + 1  # refused on its size, never read

    try:
        validate_document(_Oversized())
    except ValidationError as error:
        return error.messages[0]
    raise AssertionError("validate_document accepted an oversized file")


@login_required
@require_GET
@never_cache
def document_download(request, casedocument_id: int):
    """The document, decrypted, as an attachment named after its id (never the uploaded
    name); each download is logged."""
    require_case_staff(request)
    document = get_object_or_404(
        CaseDocument.objects.visible_to(request.user).select_related("case"), pk=casedocument_id
    )
    try:
        data, content_type, filename = services.document_read(document=document, user=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    except (FileNotFoundError, protected_files.InvalidName) as error:
        raise Http404 from error
    case_access.record_document_read(request, document)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    # Opened by mistake in the browser, the file runs nothing and reaches nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- Transfers ----------------------------------------------------------------------------------


def _require_manager_page(request):
    """Transfers are for managers (and IOM officers, for IOM's cases): 404 for anyone else."""
    actor = require_case_staff(request)
    if not manages_cases(request.user):
        raise Http404
    return actor


def _pending_followups(cases, holder_id) -> int:
    """The pending follow-ups that go with the cases: the holder's own on these cases (as
    cases.services.case_transfer moves them)."""
    if not holder_id:
        return 0
    return FollowUp.objects.pending().filter(case__in=cases, assignee_id=holder_id).count()


@login_required
def case_transfer(request, case_id: int):
    """Give one case to another case holder of its organisation, after a confirmation."""
    _require_manager_page(request)
    case = get_object_or_404(
        Case.objects.writable_by(request.user).select_related(
            "beneficiary", "organisation", "assigned_to"
        ),
        pk=case_id,
    )
    posted = request.method == "POST"
    form = CaseTransferForm(request.POST if posted else None, case=case)
    confirming = False
    if posted and form.is_valid():
        if request.POST.get("confirm") == "1":
            try:
                services.case_transfer(
                    cases=[case], to_user=form.cleaned_data["to_user"], acting_user=request.user
                )
            except ValidationError as error:
                form_errors_from(form, error)
            except PermissionDenied as error:
                raise Http404 from error
            else:
                messages.success(
                    request,
                    _("Dossier confié à %(user)s.")
                    % {"user": form.cleaned_data["to_user"].get_username()},
                )
                return redirect(case_page_url(case))
        else:
            confirming = True
    return render(
        request,
        "cases/files/transfer.html",
        {
            "form": form,
            "case": case,
            "person": case.beneficiary,
            "case_url": case_page_url(case),
            "confirming": confirming,
            "case_count": 1,
            "followup_count": _pending_followups([case], case.assigned_to_id),
        },
        status=400 if posted and form.errors else 200,
    )


@login_required
def transfer_all(request):
    """Every open case of a member who leaves (and their pending follow-ups on them), given
    to another case holder in one audited step, after a confirmation with the counts."""
    actor = _require_manager_page(request)
    cases = Case.objects.writable_by(request.user)
    posted = request.method == "POST"
    initial = {}
    if not posted and (request.GET.get("from") or "").isdigit():
        initial["from_user"] = int(request.GET["from"])
    form = TransferAllForm(
        request.POST if posted else None,
        initial=initial,
        cases=cases,
        organisation_id=actor.organisation_id,
    )
    confirming, case_count, followup_count = False, 0, 0
    if posted and form.is_valid():
        from_user, to_user = form.cleaned_data["from_user"], form.cleaned_data["to_user"]
        moving = cases.open().filter(assigned_to=from_user)
        if request.POST.get("confirm") == "1":
            try:
                moved = services.case_transfer(
                    cases=(), from_user=from_user, to_user=to_user, acting_user=request.user
                )
            except ValidationError as error:
                form_errors_from(form, error)
            except PermissionDenied as error:
                raise Http404 from error
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s dossier de %(from)s confié à %(to)s.",
                        "%(count)s dossiers de %(from)s confiés à %(to)s.",
                        moved,
                    )
                    % {
                        "count": moved,
                        "from": from_user.get_username(),
                        "to": to_user.get_username(),
                    },
                )
                return redirect("case_files:transfer_all")
        else:
            confirming = True
            case_count = moving.count()
            followup_count = _pending_followups(moving, from_user.pk)
    return render(
        request,
        "cases/files/transfer_all.html",
        {
            "form": form,
            "confirming": confirming,
            "case_count": case_count,
            "followup_count": followup_count,
        },
        status=400 if posted and form.errors else 200,
    )


def open_work(membership, *, user) -> list:
    """partners.hooks' provider (registered in CasesConfig.ready): the open cases and pending
    follow-ups a member leaves, as `user` (on the page that withdraws their access) sees them,
    with the page that transfers them when `user` may."""
    holder = membership.user
    open_cases = Case.objects.visible_to(user).open().filter(assigned_to=holder)
    cases = open_cases.count()
    if not cases:
        return []
    followups = _pending_followups(open_cases, holder.pk)
    label = ngettext("%(count)s dossier ouvert", "%(count)s dossiers ouverts", cases) % {
        "count": cases
    }
    if followups:
        label += " · " + ngettext(
            "%(count)s suivi en attente", "%(count)s suivis en attente", followups
        ) % {"count": followups}
    transferable = (
        manages_cases(user)
        and open_cases.filter(pk__in=Case.objects.writable_by(user).values("pk")).exists()
    )
    if not transferable:
        return [OpenWork(label=label)]
    return [
        OpenWork(
            label=label,
            url=f"{reverse('case_files:transfer_all')}?from={holder.pk}",
            action=_("Transférer ses dossiers"),
        )
    ]
