"""The shares area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from functions.fields import Instant, Model, Strict
from streak_core.domain.cards import CardField
from streak_core.domain.vocabulary import ImageFormat


class ShareCardQuery(Model):
    format: ImageFormat = ImageFormat.PNG


class ShareIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"include": ["level", "longest_streak"]}]})

    include: list[CardField] | None = Field(
        default=None,
        max_length=len(CardField),
        description="What the card shows besides the current streak (always there); all of it when absent",
    )


class ShareLinksOut(Model):
    twitter: str
    linkedin: str
    facebook: str


class ShareOut(Model):
    id: str
    url: str
    image_url: str
    links: ShareLinksOut
    created_at: Instant
    opens: int
    include: list[CardField]


class ShareCreatedOut(Model):
    share: ShareOut


class SharesOut(Model):
    shares: list[ShareOut]


# Browsers, crawlers and link previews keep a page 5 minutes (a revoked share is gone within minutes for
# them); a shared cache (Firebase Hosting's CDN in front of /s/**) revalidates every view, so each page view
# still reaches us and counts one open, and a revoked share 404s there at once.
PUBLIC_CACHE = "public, max-age=300, s-maxage=0"
