"""What the forms say of text limits: every textarea carries `maxlength` and says its limit,
the same numbers the intake schema checks (services/domain/drafts.py)."""

from __future__ import annotations

from services.domain.drafts import ITEM_MAX, TEXT_MAX, TITLE_MAX


def text_limits() -> dict[str, int]:
    """The pages' globals: `text_max` for a textarea, `title_max` and `item_max` for lines."""
    return {"text_max": TEXT_MAX, "title_max": TITLE_MAX, "item_max": ITEM_MAX}
