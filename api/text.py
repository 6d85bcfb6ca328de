"""Vietnamese text as data: NFC normalisation and accent-insensitive search keys."""

import unicodedata

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value: str) -> str:
    """Normalise to NFC and trim; every stored text key goes through here."""
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Accent- and case-insensitive key: "Xã Sơn Hải" -> "xa son hai"."""
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
