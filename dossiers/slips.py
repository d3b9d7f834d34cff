"""The one-stop-shop slips as PDF: receipt and appointment, supplement request, refusal, apology, stop
notice and the processing control slip (Circular 01/2018/TT-VPCP until 30 June 2025, Circular
03/2025/TT-VPCP since).

A slip is an official Vietnamese document: it is printed in Vietnamese whatever the UI language, with
the form number and legal title of the dossier's rule set (the one in force when it was received; before
receipt, the one in force on the day it was filed). `slip_context` says whether a slip exists and what it
shows; `render_pdf` prints it with WeasyPrint.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy

from common import clock, pdf
from common.money import vnd
from procedures.models import RequiredDocument

from .models import (
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    FeeSettlement,
    ReturnChannel,
    RuleSet,
    State,
)
from .selectors import lookup_url

SLIP_KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control")
# What the portal calls each slip in the UI (the printed slip carries its legal title).
SLIP_LABELS = {
    "receipt": gettext_lazy("Receipt and appointment slip"),
    "supplement": gettext_lazy("Supplement request"),
    "refusal": gettext_lazy("Refusal slip"),
    "apology": gettext_lazy("Apology and new appointment date"),
    "stop": gettext_lazy("Notice of stopping processing"),
    "control": gettext_lazy("Processing control slip"),
}

COPY_KIND_VI = {
    RequiredDocument.CopyKind.ORIGINAL: "Bản chính",
    RequiredDocument.CopyKind.CERTIFIED_COPY: "Bản sao có chứng thực",
    RequiredDocument.CopyKind.COPY: "Bản sao",
    RequiredDocument.CopyKind.ORIGINAL_OR_COPY: "Bản chính hoặc bản sao có chứng thực",
}
CHANNEL_VI = {
    Channel.ONLINE: "Trực tuyến trên Cổng dịch vụ công",
    Channel.DESK: "Trực tiếp tại Bộ phận Một cửa",
    Channel.POST: "Qua dịch vụ bưu chính công ích",
}
TIMELINESS_VI = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
FEE_STATUS_VI = {
    FeeSettlement.PAID_ONLINE: "đã thanh toán trực tuyến",
    FeeSettlement.PAID_AT_DESK: "đã nộp tại Bộ phận Một cửa",
    FeeSettlement.EXEMPT: "được miễn",
    FeeSettlement.PAID_ON_DELIVERY: "thu khi phát kết quả qua bưu chính",
}
ACTION_VI = {
    "receive": "Tiếp nhận hồ sơ",
    "transfer": "Chuyển hồ sơ",
    "assign": "Giao xử lý",
    "request_supplement": "Yêu cầu bổ sung hồ sơ",
    "answer_supplement": "Bổ sung hồ sơ",
    "approve": "Phê duyệt, ban hành kết quả",
    "deny": "Từ chối giải quyết",
    "result_ready": "Chuyển kết quả về Bộ phận Một cửa",
    "return": "Trả kết quả",
    "apology": "Xin lỗi, hẹn lại ngày trả kết quả",
    "stop": "Dừng xử lý hồ sơ",
    "withdraw": "Rút hồ sơ",
}
# Steps of the desk and of the agency's internal work: not hand-offs of the dossier.
NOT_HANDOFFS = {
    "submit",
    "register_at_desk",
    "check_originals",
    "propose_supplement",
    "reject_supplement",
    "pay_fees",
    "exempt_fees",
    "refund_fees",
}


def rule_set_for(dossier: Dossier) -> RuleSet:
    """The rules the dossier was received under; before receipt, those in force on the day it was filed."""
    if dossier.rule_set_id:
        return dossier.rule_set
    return RuleSet.in_force_on(timezone.localdate(dossier.submitted_at or dossier.created_at))


# --- hand-offs: the control slip's rows, also the staff page's timeline ---------------------------------
@dataclass(frozen=True)
class Handoff:
    event: DossierEvent
    actor: str
    from_label: str
    to_label: str

    @property
    def action(self) -> str:
        return self.event.action

    @property
    def at(self) -> datetime.datetime:
        return self.event.at

    @property
    def timeliness(self) -> str:
        return self.event.timeliness

    @property
    def note(self) -> str:
        return self.event.note


def _name(agency) -> str:
    return agency.name if agency is not None else ""


def handoffs(dossier: Dossier, events, *, assignees: dict | None = None) -> list[Handoff]:
    """Who gave the dossier to whom, for each event: (from, to) as the control slip records them.
    `events` need actor, agency, from_agency and to_agency selected; `assignees` maps user pk → name."""
    applicant = dossier.applicant_name
    desk = dossier.receiving_agency
    # Who held the dossier at each event, not today: the desk until receipt, then each agency it went to.
    holder, received = desk, False
    rows = []
    for event in events:
        agency = event.agency
        match event.action:
            case "submit" | "register_at_desk":
                pair = applicant, _name(event.to_agency or agency or desk)
            case "receive":
                pair = applicant, _name(agency or desk)
            case "transfer":
                pair = _name(event.from_agency or agency), _name(event.to_agency)
            case "assign":
                person = (assignees or {}).get(event.data.get("assignee"), "")
                pair = _name(agency), person
            case "request_supplement" | "refuse" | "deny" | "stop" | "apology" | "return":
                pair = _name(agency or holder), applicant
            case "answer_supplement" | "withdraw":
                pair = applicant, _name(agency or (holder if received else desk))
            case "result_ready":
                # The result goes from the deciding agency to the desk, whoever of the two records it.
                pair = _name(holder), _name(desk)
            case _:
                pair = _name(event.from_agency or agency), _name(event.to_agency)
        rows.append(Handoff(event=event, actor=event.actor_name, from_label=pair[0], to_label=pair[1]))
        received = received or event.action == "receive"
        if event.action == "transfer" and event.to_agency is not None:
            holder = event.to_agency
    return rows


def assignee_names(events) -> dict:
    from accounts.models import User

    ids = {event.data.get("assignee") for event in events if event.action == "assign"} - {None}
    return {user.pk: user.get_full_name() for user in User.objects.filter(pk__in=ids)} if ids else {}


def _events(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.select_related("agency", "from_agency", "to_agency").order_by("at", "pk"))


def _actor_of(events, action: str) -> str:
    event = next((e for e in reversed(events) if e.action == action and e.actor_name), None)
    return event.actor_name if event else ""


# --- what each slip shows ---------------------------------------------------------------------------------
def _documents(dossier: Dossier) -> list[dict]:
    """Receipt table: one row per required document filed (name, original/copy, count), then loose files."""
    documents = list(
        dossier.documents.exclude(kind=DossierDocument.Kind.RESULT).select_related(
            "required_document", "stored_file"
        )
    )
    rows, seen = [], set()
    for document in documents:
        required = document.required_document
        if required is None:
            name = document.stored_file.label or document.stored_file.original_name
            rows.append({"name": name, "copy_kind": "", "count": 1})
        elif required.pk not in seen:
            seen.add(required.pk)
            rows.append(
                {
                    "name": required.name,
                    "copy_kind": COPY_KIND_VI.get(required.copy_kind, ""),
                    "count": required.count,
                }
            )
    return rows


def _return_place(dossier: Dossier) -> str:
    if dossier.return_channel == ReturnChannel.POST:
        address = dossier.delivery_address or dossier.applicant_address
        return f"Qua dịch vụ bưu chính công ích, đến địa chỉ: {address}"
    if dossier.return_channel == ReturnChannel.ELECTRONIC:
        return "Trực tuyến, vào tài khoản của người nộp trên Cổng dịch vụ công"
    return f"Tại Bộ phận Một cửa, {dossier.receiving_agency.name}"


def _fee_text(dossier: Dossier) -> str:
    """Phí, lệ phí on the receipt: the amount and whether it is paid (form 01 lists the fee status)."""
    if not dossier.fee_total:
        return ""
    status = FEE_STATUS_VI.get(dossier.fees_settlement, "chưa thanh toán")
    return f"{vnd(dossier.fee_total)} ({status})"


def _receipt(dossier: Dossier, item_id) -> dict | None:
    if dossier.received_at is None:
        return None
    events = _events(dossier)
    # The date promised on the day of receipt; an apology or a supplement moves it later, not on this slip.
    received = next((e for e in events if e.action == "receive"), None)
    try:
        due_date = datetime.date.fromisoformat(received.data["due_date"])
    except (AttributeError, KeyError, TypeError, ValueError):
        due_date = dossier.due_date
    return {
        "agency": dossier.receiving_agency,
        "issued_at": dossier.received_at,
        "due_date": due_date,
        "documents": _documents(dossier),
        "channel": CHANNEL_VI.get(dossier.channel, ""),
        "return_place": _return_place(dossier),
        "fee": _fee_text(dossier),
        "officer": _actor_of(events, "receive"),
    }


def _supplement(dossier: Dossier, item_id) -> dict | None:
    requests = dossier.supplement_requests.filter(sent_at__isnull=False).select_related("requested_by")
    if item_id is not None:
        requests = requests.filter(pk=item_id)
    request = requests.order_by("-sent_at", "-pk").first()
    if request is None:
        return None
    intake = request.stage == request.Stage.INTAKE
    items = [
        {"name": item.name, "copy_kind": COPY_KIND_VI.get(item.copy_kind, ""), "count": item.count}
        for item in request.items.order_by("position", "pk")
    ]
    return {
        "agency": dossier.receiving_agency
        if intake
        else (dossier.handling_agency or dossier.receiving_agency),
        "issued_at": request.sent_at,
        "request": request,
        "items": items,
        "officer": request.requested_by.get_full_name(),
    }


def _refusal(dossier: Dossier, item_id) -> dict | None:
    if dossier.state != State.REFUSED:
        return None
    return {
        "agency": dossier.receiving_agency,
        "issued_at": dossier.decided_at,
        "reason": dossier.closed_reason,
        "officer": _actor_of(_events(dossier), "refuse"),
    }


def _apology(dossier: Dossier, item_id) -> dict | None:
    apologies = dossier.apologies.all()
    if item_id is not None:
        apologies = apologies.filter(pk=item_id)
    apology = apologies.order_by("-issued_at", "-pk").first()
    if apology is None:
        return None
    return {
        "agency": dossier.handling_agency or dossier.receiving_agency,
        "issued_at": apology.issued_at,
        "apology": apology,
    }


def _stop(dossier: Dossier, item_id) -> dict | None:
    if dossier.state != State.STOPPED:
        return None
    return {
        "agency": dossier.handling_agency or dossier.receiving_agency,
        "issued_at": dossier.decided_at,
        "reason": dossier.closed_reason,
        "officer": _actor_of(_events(dossier), "stop"),
    }


def _control(dossier: Dossier, item_id) -> dict | None:
    if dossier.received_at is None:
        return None
    events = _events(dossier)
    start = next((i for i, e in enumerate(events) if e.action == "receive"), 0)
    kept = [e for e in events[start:] if e.action not in NOT_HANDOFFS]
    rows = handoffs(dossier, kept, assignees=assignee_names(kept))
    agencies = {event.to_agency.name for event in kept if event.to_agency} - {dossier.receiving_agency.name}
    return {
        "agency": dossier.receiving_agency,
        "issued_at": dossier.received_at,
        "rows": [
            {
                "row": row,
                "action": ACTION_VI.get(row.action, row.action),
                "timeliness": TIMELINESS_VI.get(row.timeliness, ""),
            }
            for row in rows
        ],
        "handling_agencies": sorted(agencies),
    }


BUILDERS = {
    "receipt": _receipt,
    "supplement": _supplement,
    "refusal": _refusal,
    "apology": _apology,
    "stop": _stop,
    "control": _control,
}


def slip_context(dossier: Dossier, kind: str, item_id: int | None = None) -> dict | None:
    """Everything a slip prints, or None when this dossier has no such slip (no receipt before receipt,
    no stop notice under the 2018 rules, which had no such form)."""
    if kind not in BUILDERS or not dossier.code:
        return None
    rule_set = rule_set_for(dossier)
    if rule_set is None or kind not in rule_set.forms:
        return None
    context = BUILDERS[kind](dossier, item_id)
    if context is None:
        return None
    agency = context["agency"]
    unit = agency.administrative_unit
    url = lookup_url(dossier)
    return {
        **context,
        "kind": kind,
        "dossier": dossier,
        "version": dossier.procedure_version,
        "rule_set": rule_set,
        "form": rule_set.form(kind),
        "parent_agency": agency.parent,
        "place": unit.name if unit else "",
        "lookup_url": url,
        "qr": pdf.qr_data_uri(url),
        "printed_at": clock.now(),
    }


def available_kinds(
    dossier: Dossier, *, has_supplement: bool | None = None, has_apology: bool | None = None
) -> list[str]:
    """The slips this dossier has, cheaply (for links): the same conditions as the builders above. A page
    that already loaded the supplement requests or apologies passes what it knows instead of a query."""
    if not dossier.code:
        return []
    rule_set = rule_set_for(dossier)
    if has_supplement is None:
        has_supplement = dossier.supplement_requests.filter(sent_at__isnull=False).exists()
    if has_apology is None:
        has_apology = dossier.apologies.exists()
    exists = {
        "receipt": dossier.received_at is not None,
        "supplement": has_supplement,
        "refusal": dossier.state == State.REFUSED,
        "apology": dossier.received_at is not None and has_apology,
        "stop": dossier.state == State.STOPPED,
        "control": dossier.received_at is not None,
    }
    return [kind for kind in SLIP_KINDS if exists[kind] and kind in rule_set.forms]


def render_pdf(context: dict) -> bytes:
    """One A4 slip; about a quarter of a second cold, less warm."""
    return pdf.render_pdf(f"dossiers/slips/{context['kind']}.html", context)


def filename(context: dict) -> str:
    return f"{context['kind']}-{context['dossier'].code}.pdf"
