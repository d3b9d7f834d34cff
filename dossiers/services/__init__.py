"""Use cases of a dossier, one transaction each, by stage of the procedure. Each follows the same skeleton
(`base.changing`): lock the dossier row → check who acts (`dossiers.policies`) → run the state-machine
transition → save → write the one audit row → notify the applicant and call the registered hooks
(`dossiers.hooks`). Other apps call these; they never change a dossier row themselves."""

from .arrivals import mark_seen
from .base import DossierChanged, lock
from .data_store import (
    SHARE_DAYS,
    attach_from_store,
    describe_stored_file,
    digitise_document,
    prepare_result_file,
    revoke_share,
    share_stored_file,
)
from .fees import FeesNotPayable, exempt_fees, record_fees_refunded, settle_fees
from .filing import (
    DRAFT_FIELDS,
    AlreadyFiled,
    AssuranceTooLow,
    applicant_prefill,
    attach_upload,
    check_assurance,
    discard_draft,
    last_filing_of,
    preferred_agency,
    problems_before_submit,
    receiving_agencies_for,
    register_at_desk,
    remove_document,
    reuse_stored_file,
    start_draft,
    store_upload,
    submit,
    update_draft,
    withdraw,
)
from .intake import check_originals, receive, refuse
from .processing import approve, assign, deny, issue_apology, stop, transfer
from .returns import mark_result_ready, mark_returned, mark_returned_by_post
from .supplements import (
    answer_supplement,
    approve_supplement_request,
    reject_supplement_request,
    request_supplement,
)

__all__ = [
    "DRAFT_FIELDS",
    "SHARE_DAYS",
    "AlreadyFiled",
    "AssuranceTooLow",
    "DossierChanged",
    "FeesNotPayable",
    "answer_supplement",
    "applicant_prefill",
    "approve",
    "approve_supplement_request",
    "assign",
    "attach_from_store",
    "attach_upload",
    "check_assurance",
    "check_originals",
    "deny",
    "describe_stored_file",
    "digitise_document",
    "discard_draft",
    "exempt_fees",
    "issue_apology",
    "last_filing_of",
    "lock",
    "mark_result_ready",
    "mark_returned",
    "mark_returned_by_post",
    "mark_seen",
    "preferred_agency",
    "prepare_result_file",
    "problems_before_submit",
    "receive",
    "receiving_agencies_for",
    "record_fees_refunded",
    "refuse",
    "register_at_desk",
    "reject_supplement_request",
    "remove_document",
    "request_supplement",
    "reuse_stored_file",
    "revoke_share",
    "settle_fees",
    "share_stored_file",
    "start_draft",
    "stop",
    "store_upload",
    "submit",
    "transfer",
    "update_draft",
    "withdraw",
]
