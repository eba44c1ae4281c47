"""The built-in rules, one module per rule, named by code and name. A new rule is a new
module here, imported and listed below: nothing is found by scanning the folder."""

from __future__ import annotations

from ..base import Rule
from .ck101_name_variant import NameVariant
from .ck102_framing import Framing
from .ck103_number_mismatch import NumberMismatch
from .ck104_date_mismatch import DateMismatch
from .ck105_quote_drift import QuoteDrift
from .ck106_attribution import Attribution
from .ck107_omission import Omission
from .ck108_list_difference import ListDifference
from .ck109_contradiction import Contradiction
from .ck110_name_style import NameStyle
from .ck111_loaded_label import LoadedLabel
from .ck112_wording import Wording

BUILTIN_RULES: tuple[type[Rule], ...] = (
    NameVariant,
    Framing,
    NumberMismatch,
    DateMismatch,
    QuoteDrift,
    Attribution,
    Omission,
    ListDifference,
    Contradiction,
    NameStyle,
    LoadedLabel,
    Wording,
)


def builtin_rules() -> list[type[Rule]]:
    """All built-in rules, sorted by code."""
    return sorted(BUILTIN_RULES, key=lambda cls: cls.code)
