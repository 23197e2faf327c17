"""Which encoding raw text is in: UTF-8 first, else what charset-normalizer finds.

Older feeds and pasted files are often cp1252 or Latin-1, and sometimes another
legacy code page (cp1251, cp1253, Shift-JIS...). Decoding them beats
dead-lettering a real story; the article records the encoding assumed.
"""

from __future__ import annotations

from charset_normalizer import from_bytes

from agents.errors import DecodeError

__all__ = ["decode_bytes"]


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Decode text bytes: UTF-8 (BOM allowed), UTF-16 with a BOM, else a detected encoding.

    Returns:
        The text and the name of the encoding used (``utf-8``, ``cp1252``...).

    Raises:
        DecodeError: binary data, or bytes no encoding reads as text.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise DecodeError("not text: a UTF-16 byte order mark, then bad UTF-16") from None
    if b"\x00" in raw[:65536]:
        raise DecodeError("binary data: the payload contains NUL bytes")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        reason = f"{exc.reason} at byte {exc.start}"
    # Legacy feeds: charset-normalizer ranks the code pages that read the bytes as
    # text. When cp1252 reads them as well as the best one, it is the one meant: it
    # is the commonest, and its look-alikes read some letters differently (cp1250
    # has "č" where cp1252 has "è").
    matches = from_bytes(raw[:65536])
    best = matches.best()
    if best is None:
        raise DecodeError(f"not UTF-8 text ({reason}) and no known encoding reads it")
    names = {best.encoding, *best.could_be_from_charset}
    for match in matches:
        if match.chaos <= best.chaos:
            names.update((match.encoding, *match.could_be_from_charset))
    encoding = "cp1252" if "cp1252" in names and _reads(raw, "cp1252") else best.encoding
    try:
        return raw.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        raise DecodeError(f"not UTF-8 text ({reason}); {encoding} does not read it") from None


def _reads(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
