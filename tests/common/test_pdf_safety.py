"""The PDF check behind uploads (common/pdf_safety.py), on the cases the upload tests do not build: small
limits keep the files small."""

import base64
import io
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name

from common.pdf_safety import Limits, Problem, inflated_size, problem_with

SMALL = Limits(max_stream_bytes=1_000_000, max_total_bytes=3_000_000, max_image_pixels=10_000)


def one_page() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    return pdf


def saved(pdf: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)
    return out.getvalue()


def with_raw_stream(raw: bytes, filters: list, count: int = 1, **extra) -> bytes:
    """A PDF with `count` streams holding `raw` already encoded with `filters` (kept as is when saved)."""
    pdf = one_page()
    for number in range(count):
        stream = pikepdf.Stream(pdf, b"")
        stream.write(raw, filter=Array(filters) if len(filters) > 1 else filters[0])
        for key, value in extra.items():
            stream[Name("/" + key)] = value
        pdf.Root[Name(f"/Extra{number}")] = pdf.make_indirect(stream)
    return saved(pdf, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)


def test_an_ordinary_pdf_with_compressed_content_passes():
    pdf = one_page()
    pdf.pages[0].Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Giay khai sinh) Tj ET\n" * 200)
    assert problem_with(saved(pdf, compress_streams=True), SMALL) is None


def test_a_pdf_that_needs_a_password_to_open_is_refused_one_with_an_owner_password_only_is_not():
    needs_password = saved(one_page(), encryption=pikepdf.Encryption(user="mo", owner="chu"))
    owner_only = saved(
        one_page(),
        encryption=pikepdf.Encryption(user="", owner="chu", allow=pikepdf.Permissions(extract=False)),
    )
    assert problem_with(needs_password, SMALL) == Problem.ENCRYPTED
    assert problem_with(owner_only, SMALL) is None


def test_a_bomb_behind_a_text_encoding_is_still_measured():
    raw = base64.a85encode(zlib.compress(bytes(2_000_000), 9)) + b"~>"
    assert problem_with(with_raw_stream(raw, [Name.ASCII85Decode, Name.FlateDecode]), SMALL) == (
        Problem.TOO_LARGE_INFLATED
    )


def test_many_streams_each_under_the_limit_are_refused_together():
    raw = zlib.compress(bytes(900_000), 9)
    assert problem_with(with_raw_stream(raw, [Name.FlateDecode], count=3), SMALL) is None
    assert (
        problem_with(with_raw_stream(raw, [Name.FlateDecode], count=4), SMALL) == Problem.TOO_LARGE_INFLATED
    )


def test_an_lzw_stream_whose_worst_case_is_too_large_is_refused():
    assert (
        problem_with(with_raw_stream(b"\x80" * 10_000, [Name.LZWDecode]), SMALL) == Problem.TOO_LARGE_INFLATED
    )


def test_an_image_declaring_too_many_pixels_is_refused():
    image = with_raw_stream(
        zlib.compress(b"\x00" * 100),
        [Name.FlateDecode],
        Type=Name.XObject,
        Subtype=Name.Image,
        Width=200,
        Height=200,
    )
    assert problem_with(image, SMALL) == Problem.TOO_LARGE_INFLATED


def test_rich_media_and_xfa_count_as_scripts():
    pdf = one_page()
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=pdf.make_stream(b"<xdp:xdp/>"))
    assert problem_with(saved(pdf), SMALL) == Problem.SCRIPT


def test_inflated_size_stops_at_the_cap_without_keeping_the_output():
    raw = zlib.compress(bytes(5_000_000), 9)
    assert inflated_size(raw, 10_000_000) == 5_000_000
    assert inflated_size(raw, 1_000_000) == 1_000_001
    assert inflated_size(b"not zlib at all", 1_000) == 0
