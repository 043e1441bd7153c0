"""The codes the analysis returns instead of sentences, so that reports can word (and translate)
them in one place (``vocgap.reporting.wording``)."""

from __future__ import annotations

# Account status.
OK = "ok"
THIN = "thin"                            # one respondent with a usable answer on a side
INSUFFICIENT_DATA = "insufficient_data"  # a side has no usable answer
COUNTS_ONLY = "counts_only"              # vendor edition: a side is below the minimum group

# Why an interval or a test is missing (``ci_note``, ``test_note``, ``note``).
UNANIMOUS = "unanimous"                        # G3: no variance on either side
TOO_FEW_FOR_INTERVAL = "too_few_for_interval"  # G3: fewer than two answers on a side
TOO_FEW_TO_TEST = "too_few_to_test"            # G2: the smallest attainable p is above .05
ITEM_NOT_TESTED = "item_not_tested"            # items get effect sizes only (METHODS §4)
BELOW_MIN_GROUP = "below_min_group"            # G1: fewer than min_group people behind it
TOO_FEW_ACCOUNTS = "too_few_accounts"          # portfolio tests need six accounts
FEW_ACCOUNTS = "few_accounts"                  # six to nine accounts: possible but weak
TOO_FEW_RESPONDENTS = "too_few_respondents"    # Cronbach's α needs 30 complete respondents

# Classification of a gap.
OVER_ESTIMATION = "over_estimation"
UNDER_ESTIMATION = "under_estimation"
AGREEMENT = "agreement"
SUPPORTED = "supported"
INDICATIVE = "indicative"
BLIND_SPOT = "blind_spot"
HIDDEN_STRENGTH = "hidden_strength"
SHARED_STRENGTH = "shared_strength"
SHARED_WEAKNESS = "shared_weakness"

# Importance–performance quadrants (Martilla & James 1977).
CONCENTRATE_HERE = "concentrate_here"
KEEP_UP = "keep_up_the_good_work"
LOW_PRIORITY = "low_priority"
POSSIBLE_OVERKILL = "possible_overkill"

ALL = frozenset(v for k, v in dict(globals()).items() if k.isupper() and isinstance(v, str))
