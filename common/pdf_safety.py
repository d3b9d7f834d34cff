"""Is an uploaded PDF safe to hand to a clerk's PDF reader? Read with pikepdf (qpdf), never by hand.

Refused: scripts (`/JS`, `/JavaScript` name trees and actions — in `/OpenAction`, `/AA` additional actions,
links, form fields —, XFA forms, rich media), actions that start programs or read files (`/Launch`,
`/ImportData`), embedded files (`/EmbeddedFiles`, `/EF` file specifications, `/FileAttachment`
annotations, `/GoToE`), a password needed to open it, files qpdf cannot read or without a page, and
compression bombs: every stream is measured without keeping what it inflates to (Flate by `zlib` with a
bounded output buffer), one stream may not grow past `max_stream_bytes` nor all of them together past
`max_total_bytes`, and an image may not declare more than `max_image_pixels`. qpdf's own decoding (object
and cross-reference streams) is capped by its global limits, set here."""

from __future__ import annotations

import base64
import binascii
import functools
import io
import zlib
from dataclasses import dataclass
from enum import StrEnum

import pikepdf
import pikepdf.settings
from pikepdf import Array, Dictionary, Name, Stream

CHUNK = 1024 * 1024


class Problem(StrEnum):
    """Why a PDF is refused; `dossiers.uploads` words each one for the citizen."""

    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    SCRIPT = "script"
    LAUNCH = "launch"
    EMBEDDED_FILE = "embedded_file"
    TOO_LARGE_INFLATED = "too_large_inflated"


@dataclass(frozen=True)
class Limits:
    max_stream_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_image_pixels: int = 200_000_000


SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA"}
SCRIPT_ACTIONS = {"/JavaScript", "/RichMediaExecute"}
SCRIPT_SUBTYPES = {"/RichMedia"}
LAUNCH_ACTIONS = {"/Launch", "/ImportData"}
EMBEDDED_KEYS = {"/EmbeddedFiles", "/EF"}
EMBEDDED_ACTIONS = {"/GoToE"}
ASCII_FILTERS = {"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"}
FLATE_FILTERS = {"/FlateDecode", "/Fl"}
LZW_FILTERS = {"/LZWDecode", "/LZW"}
RUN_LENGTH_FILTERS = {"/RunLengthDecode", "/RL"}
# PDF's LZW emits at most ~4,096 bytes per 12-bit code: an LZW stream is accepted only when even that
# worst case stays under the stream limit (LZW is long out of use; nothing bounds its decoder).
LZW_WORST_RATIO = 2800


class Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def problem_with(content: bytes, limits: Limits | None = None) -> Problem | None:
    """The first reason to refuse this PDF, or None when it may be accepted."""
    limits = limits or Limits()
    _cap_qpdf_decoders(limits.max_stream_bytes)
    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except pikepdf.PasswordError:
        return Problem.ENCRYPTED
    except (pikepdf.PdfError, ValueError, OverflowError, RecursionError):
        return Problem.DAMAGED
    with pdf:
        try:
            # Encrypted with an owner password only (printing or copying restricted) opens without one and
            # is inspected like any other; a password needed to open it was refused above.
            if len(pdf.pages) == 0:
                return Problem.DAMAGED
            _inspect(pdf, limits)
        except Refused as refused:
            return refused.problem
        except pikepdf.DataDecodingError:
            return Problem.TOO_LARGE_INFLATED
        except (pikepdf.PdfError, ValueError, OverflowError, RecursionError):
            return Problem.DAMAGED
    return None


@functools.cache
def _cap_qpdf_decoders(max_bytes: int) -> None:
    """qpdf decodes object and cross-reference streams itself: cap what one may inflate to (process-wide
    settings, so set once per value)."""
    pikepdf.settings.set_qpdf_limits(
        flate_max_memory=max_bytes,
        run_length_max_memory=max_bytes,
        png_max_memory=max_bytes,
        tiff_max_memory=max_bytes,
        dct_max_memory=max_bytes,
    )


def _inspect(pdf: pikepdf.Pdf, limits: Limits) -> None:
    budget = [limits.max_total_bytes]
    for obj in pdf.objects:
        if isinstance(obj, Stream):
            _check_dictionary_tree(obj.stream_dict)
            _check_stream_size(obj, limits, budget)
        elif isinstance(obj, (Dictionary, Array)):
            _check_dictionary_tree(obj)


def _check_dictionary_tree(root: pikepdf.Object) -> None:
    """Every dictionary reachable from `root` without following indirect references (those are objects
    of their own, checked when `pdf.objects` reaches them)."""
    pending = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, Dictionary):
            _check_dictionary(item)
            children = list(item.values())
        elif isinstance(item, Array):
            children = list(item)
        else:
            continue
        pending.extend(
            child for child in children if isinstance(child, (Dictionary, Array)) and not child.is_indirect
        )


def _name(item: Dictionary, key: str) -> str:
    value = item.get(key)
    return str(value) if isinstance(value, Name) else ""


def _check_dictionary(item: Dictionary) -> None:
    keys = set(item.keys())
    action, subtype = _name(item, "/S"), _name(item, "/Subtype")
    if keys & SCRIPT_KEYS or action in SCRIPT_ACTIONS or subtype in SCRIPT_SUBTYPES:
        raise Refused(Problem.SCRIPT)
    if action in LAUNCH_ACTIONS:
        raise Refused(Problem.LAUNCH)
    if (
        keys & EMBEDDED_KEYS
        or action in EMBEDDED_ACTIONS
        or _name(item, "/Type") == "/EmbeddedFile"
        or subtype == "/FileAttachment"
    ):
        raise Refused(Problem.EMBEDDED_FILE)


def _filters(stream: Stream) -> list[str]:
    value = stream.stream_dict.get("/Filter")
    if isinstance(value, Name):
        return [str(value)]
    if isinstance(value, Array):
        return [str(item) for item in value if isinstance(item, Name)]
    return []


def _check_stream_size(stream: Stream, limits: Limits, budget: list[int]) -> None:
    width, height = stream.stream_dict.get("/Width"), stream.stream_dict.get("/Height")
    if isinstance(width, int) and isinstance(height, int) and width * height > limits.max_image_pixels:
        raise Refused(Problem.TOO_LARGE_INFLATED)
    cap = min(limits.max_stream_bytes, budget[0])
    size = _decoded_size(stream, _filters(stream), cap)
    if size > cap:
        raise Refused(Problem.TOO_LARGE_INFLATED)
    budget[0] -= size


def _decoded_size(stream: Stream, filters: list[str], cap: int) -> int:
    """What the stream's expanding filters inflate it to (cap + 1 means "more than cap"). The text
    encodings before them only shrink; what follows them (images) is not decoded here."""
    data = stream.read_raw_bytes()
    while filters and filters[0] in ASCII_FILTERS:
        data = _ascii_decoded(data, filters.pop(0))
    if not filters:
        return len(data)
    first = filters[0]
    if first in FLATE_FILTERS:
        return inflated_size(data, cap)
    if first in LZW_FILTERS:
        return len(data) if len(data) * LZW_WORST_RATIO <= cap else cap + 1
    if first in RUN_LENGTH_FILTERS:
        # qpdf decodes it under run_length_max_memory (DataDecodingError past the cap).
        return len(stream.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized))
    return len(data)


def _ascii_decoded(data: bytes, name: str) -> bytes:
    try:
        if name in {"/ASCIIHexDecode", "/AHx"}:
            digits = bytes(b for b in data.split(b">", 1)[0] if b not in b" \t\r\n\f\x00")
            return binascii.unhexlify(digits + b"0" * (len(digits) % 2))
        return base64.a85decode(
            data.strip().removesuffix(b"~>").removeprefix(b"<~"), ignorechars=b" \t\r\n\f"
        )
    except (ValueError, binascii.Error) as damaged:
        raise pikepdf.PdfError("undecodable text-encoded stream") from damaged


def inflated_size(raw: bytes, cap: int) -> int:
    """How many bytes zlib data inflates to, counted in 1 MB steps and never kept: stops at cap + 1.
    Damaged data counts what it gave before the damage (a reader would show no more)."""
    inflater = zlib.decompressobj()
    size = 0
    data = raw
    while True:
        try:
            chunk = inflater.decompress(data, CHUNK)
        except zlib.error:
            return size
        size += len(chunk)
        if size > cap:
            return cap + 1
        data = inflater.unconsumed_tail
        if not data and len(chunk) < CHUNK:
            return size
