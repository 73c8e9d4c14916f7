"""The vocabulary of the audit trail: every action an audit event may name, with its label.

:func:`sinergi.core.audit.record` refuses an action that is not listed here, and a test
(tests/core/test_audit_actions.py) walks the source for every action written literally, so
a new action cannot reach the trail without a label in English and Indonesian.

Values are plain strings (``AuditAction.INMATE_VIEW == "inmate.view"``): call sites may
pass either. Read actions end in ``.view`` (one record) or ``.list`` (a list or search),
see :mod:`sinergi.core.audit`. An action built from parts (``f"report.download_{kind}"``)
is listed with every value it takes.

``AuditEvent.action`` takes its choices from :func:`audit_action_choices` (a callable), so
adding an action here needs no migration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AuditAction(models.TextChoices):
    # Signing in, tokens, the admin (accounts, core.admin)
    AUTH_LOGIN = "auth.login", _("Signed in")
    AUTH_LOGOUT = "auth.logout", _("Signed out")
    AUTH_LOGIN_FAILED = "auth.login_failed", _("Sign-in failed")
    API_TOKEN_CREATE = "api_token.create", _("API token created")
    API_TOKEN_REVOKE = "api_token.revoke", _("API token revoked")
    ADMIN_CREATE = "admin.create", _("Created in the admin")
    ADMIN_CHANGE = "admin.change", _("Changed in the admin")
    ADMIN_DELETE = "admin.delete", _("Deleted in the admin")
    ACCOUNT_EMAIL_NOTIFICATIONS = "account.email_notifications", _("E-mail notifications set")
    ACCOUNT_LANGUAGE = "account.language", _("Language chosen")
    ACCOUNT_PROFILE = "account.profile", _("Profile changed")

    # Organisations (orgs)
    PARTNER_DEACTIVATE = "partner.deactivate", _("Partner deactivated")
    PARTNER_REACTIVATE = "partner.reactivate", _("Partner reactivated")
    LETTERHEAD_UPDATE = "letterhead.update", _("Letterhead changed")
    SIGNATORY_CREATE = "signatory.create", _("Signatory named")
    SIGNATORY_UPDATE = "signatory.update", _("Signatory changed")
    SIGNATORY_DELETE = "signatory.delete", _("Signatory removed")

    # Inmates (inmates)
    INMATE_CREATE = "inmate.create", _("Inmate added")
    INMATE_UPDATE = "inmate.update", _("Inmate updated")
    INMATE_STATUS = "inmate.status", _("Inmate status changed")
    INMATE_VIEW = "inmate.view", _("Inmate viewed")
    INMATE_LIST = "inmate.list", _("Inmates listed")
    INMATE_FORM_VIEW = "inmate.form.view", _("Inmate form opened")
    INMATE_RIGHTS_LIST = "inmate.rights.list", _("Integration rights listed")
    INMATE_SCORES_LIST = "inmate.scores.list", _("Monthly scoring sheet opened")
    INMATE_OVERDUE_LIST = "inmate.overdue.list", _("People held past their release date listed")
    INMATE_RELEASES_TODAY_LIST = "inmate.releases_today.list", _("Releases due today listed")
    SENTENCE_UPDATE = "sentence.update", _("Sentence updated")
    REMISSION_CREATE = "remission.create", _("Remission added")
    REGISTER_F_CREATE = "register_f.create", _("Register F entry recorded")
    REGISTER_F_UPDATE = "register_f.update", _("Register F entry corrected")
    DETENTION_PERIOD_CREATE = "detention_period.create", _("Earlier detention period recorded")
    DETENTION_PERIOD_UPDATE = "detention_period.update", _("Earlier detention period corrected")
    DETENTION_PERIOD_DELETE = "detention_period.delete", _("Earlier detention period deleted")
    CONSECUTIVE_SENTENCE_CREATE = "consecutive_sentence.create", _("Consecutive sentence recorded")
    CONSECUTIVE_SENTENCE_UPDATE = "consecutive_sentence.update", _("Consecutive sentence corrected")
    CONSECUTIVE_SENTENCE_DELETE = "consecutive_sentence.delete", _("Consecutive sentence deleted")
    ASSESSMENT_RECORD = "assessment.record", _("Monthly assessment recorded")
    IMPORT_UPLOAD = "import.upload", _("SDP file uploaded")
    IMPORT_MAPPING = "import.mapping", _("Import columns mapped")
    IMPORT_FINISH = "import.finish", _("Import finished")
    IMPORT_INTERRUPTED = "import.interrupted", _("Import interrupted")
    IMPORT_RETRY = "import.retry", _("Import retried")
    IMPORT_VIEW = "import.view", _("Import report viewed")
    SENTENCES_RECALCULATED = "sentences.recalculate", _("Sentences recalculated")
    RECALCULATION_VIEW = "recalculation.view", _("Recalculation report viewed")

    # Programs (programs)
    PROGRAM_CREATE = "program.create", _("Program created")
    PROGRAM_UPDATE = "program.update", _("Program updated")
    PROGRAM_UNITS = "program.units", _("Program competency units set")
    PROGRAM_TRANSITION = "program.transition", _("Program status changed")
    PROGRAM_CANDIDATES_LIST = "program.candidates.list", _("Program candidates listed")
    PROGRAM_PARTICIPANTS_LIST = "program.participants.list", _("Program participants listed")
    INMATE_RECORD_VIEW = "inmate.record.view", _("Development record viewed")
    ENROLLMENT_CREATE = "enrollment.create", _("Inmate enrolled")
    ENROLLMENT_ALLOCATE = "enrollment.allocate", _("Place allocated from the waiting list")
    ENROLLMENT_END = "enrollment.end", _("Enrolment ended")
    ENROLLMENT_SCORES = "enrollment.scores", _("Scores recorded")
    ENROLLMENT_VIEW = "enrollment.view", _("Enrolment viewed")
    ENROLLMENT_COMPLETE_EARLY = "enrollment.complete_early", _("Enrolment completed early")
    WAITING_CREATE = "waiting.create", _("Put on the waiting list")
    WAITING_DECIDE = "waiting.decide", _("Waiting list decision")
    WAITING_CLOSE = "waiting.close", _("Waiting list closed")
    SESSION_CREATE = "session.create", _("Session scheduled")
    SESSION_CANCEL = "session.cancel", _("Session cancelled")
    SESSION_RESTORE = "session.restore", _("Session restored")
    SESSION_ROSTER_LIST = "session.roster.list", _("Session roster viewed")
    SESSION_SHEET_LIST = "session.sheet.list", _("Attendance sheet viewed")
    ATTENDANCE_RECORD = "attendance.record", _("Attendance recorded")
    COMPETENCY_RECORD = "competency.record", _("Competencies recorded")
    CERTIFICATE_ISSUE = "certificate.issue", _("Certificate issued")
    CERTIFICATE_REVOKE = "certificate.revoke", _("Certificate revoked")
    CERTIFICATE_VIEW = "certificate.view", _("Certificate viewed")
    COMPETENCY_CERTIFICATION_RECORD = (
        "competency_certification.record",
        _("Competency certification recorded"),
    )
    HOLIDAY_ADD = "holiday.add", _("Holiday added")
    HOLIDAY_REMOVE = "holiday.remove", _("Holiday removed")

    # Cooperation with partners (cooperation)
    REQUEST_CREATE = "request.create", _("Support request drafted")
    REQUEST_TRANSITION = "request.transition", _("Support request status changed")
    REQUEST_COMMENT = "request.comment", _("Support request commented on")
    FULFILMENT_CREATE = "fulfilment.create", _("Delivery recorded")
    MEETING_CREATE = "meeting.create", _("Meeting recorded")
    MEETING_UPDATE = "meeting.update", _("Meeting updated")
    MEETING_ATTACH = "meeting.attach", _("Document attached to a meeting")
    MEETING_ATTACHMENT_VIEW = "meeting.attachment.view", _("Meeting document opened")
    AGREEMENT_CREATE = "agreement.create", _("Agreement recorded")
    AGREEMENT_UPDATE = "agreement.update", _("Agreement updated")
    AGREEMENT_APPROVE = "agreement.approve", _("Agreement approved")
    ACTION_ITEM_CLOSE = "action_item.close", _("Action item closed")

    # Reintegration (reintegration)
    PLAN_CREATE = "plan.create", _("Reintegration plan created")
    REINTEGRATION_PLAN_VIEW = "reintegration.plan.view", _("Reintegration plan viewed")
    REINTEGRATION_WORKLIST_LIST = "reintegration.worklist.list", _("Reintegration worklist viewed")
    NEED_UPDATE = "need.update", _("Need updated")
    REFERRAL_CREATE = "referral.create", _("Referral created")
    REFERRAL_TRANSITION = "referral.transition", _("Referral status changed")
    REFERRAL_VIEW = "referral.view", _("Referral viewed")
    REFERRAL_LIST = "referral.list", _("Referrals listed")
    CONSENT_RECORD = "consent.record", _("Consent recorded")
    CONSENT_WITHDRAW = "consent.withdraw", _("Consent withdrawn")
    CONSENT_SIGNED_FORM = "consent.signed_form", _("Signed consent form kept")
    CONSENT_VIEW = "consent.view", _("Consent viewed")
    CONSENT_FILE_VIEW = "consent.file.view", _("Signed consent form viewed")
    CONSENT_LIST = "consent.list", _("Consents listed")
    RELEASE_CREATE = "release.create", _("Release recorded")
    RELEASE_FORM_VIEW = "release.form.view", _("Release form opened")
    RELEASE_HANDOVER_VIEW = "release.handover.view", _("Release handover viewed")
    RELEASE_HANDOVER_ACKNOWLEDGE = "release.handover.acknowledge", _("Hand-over acknowledged")
    RELEASE_HANDOVER_LIST = "release.handover.list", _("Hand-overs received listed")
    RELEASE_LIST = "release.list", _("Releases listed")
    FOLLOW_UP_RECORD = "follow_up.record", _("Follow-up recorded")
    FOLLOWUP_VIEW = "followup.view", _("Follow-up viewed")
    FOLLOWUP_LIST = "followup.list", _("Follow-ups listed")
    JOB_POST = "job.post", _("Job opening posted")
    JOB_APPLY = "job.apply", _("Job application sent")
    JOB_APPLICATION = "job.application", _("Job application updated")
    JOB_APPLICATIONS_LIST = "job.applications.list", _("Job applications listed")
    JOB_MATCHES_VIEW = "job.matches.view", _("Matching job openings of a person opened")

    # Integration-right proposals (proposals)
    PROPOSAL_CREATE = "proposal.create", _("Proposal started")
    PROPOSAL_TRANSITION = "proposal.transition", _("Proposal moved to another stage")
    PROPOSAL_REFERENCE = "proposal.reference", _("Proposal's SDP reference recorded")
    PROPOSAL_DOCUMENT_ADD = "proposal.document.add", _("Proposal document added")
    PROPOSAL_DOCUMENT_VIEW = "proposal.document.view", _("Proposal document viewed")
    PROPOSAL_VIEW = "proposal.view", _("Proposal viewed")
    PROPOSAL_LIST = "proposal.list", _("Proposals listed")
    PROPOSAL_SDP_IMPORT_PREVIEW = "proposal.sdp_import.preview", _("SDP proposal export checked")
    PROPOSAL_SDP_IMPORT_CONFIRM = "proposal.sdp_import.confirm", _("SDP proposal export imported")
    PROPOSAL_SDP_IMPORT_VIEW = "proposal.sdp_import.view", _("SDP proposal import report viewed")
    PROPOSAL_SDP_IMPORT_LIST = "proposal.sdp_import.list", _("SDP proposal imports listed")

    # Litmas requests and the sidang TPP (proposals: litmas.py, tpp.py)
    LITMAS_ASSIGN = "litmas.assign", _("Litmas request assigned to a probation officer")
    LITMAS_UPLOAD = "litmas.upload", _("Litmas file kept")
    LITMAS_SUBMIT = "litmas.submit", _("Litmas submitted")
    LITMAS_VIEW = "litmas.view", _("Litmas request viewed")
    LITMAS_LIST = "litmas.list", _("Litmas requests listed")
    LITMAS_FILE_VIEW = "litmas.file.view", _("Litmas file viewed")
    LITMAS_LETTER_VIEW = "litmas.letter.view", _("Litmas request letter viewed")
    TPP_CREATE = "tpp.create", _("Sidang TPP recorded")
    TPP_UPDATE = "tpp.update", _("Sidang TPP corrected")
    TPP_DECISION = "tpp.decision", _("TPP recommendation recorded")
    TPP_DECISION_REMOVE = "tpp.decision_remove", _("TPP recommendation taken off")
    TPP_VIEW = "tpp.view", _("Sidang TPP viewed")
    TPP_MINUTES_VIEW = "tpp.minutes.view", _("TPP minutes viewed")
    TPP_LETTER_VIEW = "tpp.letter.view", _("Proposal letter viewed")

    # Reports (indicators)
    REPORT_REQUEST = "report.request", _("Report requested")
    REPORT_REGENERATE = "report.regenerate", _("Report regenerated")
    REPORT_SIGN_OFF = "report.sign_off", _("Report signed off")
    REPORT_DOWNLOAD_PDF = "report.download_pdf", _("Report downloaded (PDF)")
    REPORT_DOWNLOAD_XLSX = "report.download_xlsx", _("Report downloaded (XLSX)")
    INDICATOR_RECORDS_LIST = "indicator.records.list", _("Records behind a figure listed")

    # Personal data (privacy)
    PRIVACY_EXPORT = "privacy.export", _("Personal data exported")
    RETENTION_ANONYMISE = "retention.anonymise", _("Personal data anonymised")
    RETENTION_APPLY = "retention.apply", _("Retention rules applied")


def audit_action_choices() -> list[tuple[str, StrOrPromise]]:
    """The choices of ``AuditEvent.action`` (a callable: a new action needs no migration)."""
    return list(AuditAction.choices)


def action_label(action: str) -> str:
    """The label of ``action`` in the active language; an unknown action as it is."""
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return action
