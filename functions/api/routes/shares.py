"""Share cards, shares and their public pages (Open Graph tags for link previews)."""

from __future__ import annotations

from urllib.parse import quote

from functions import pages
from functions.api.presenters.shares import (
    PUBLIC_CACHE,
    ShareCardQuery,
    ShareCreatedOut,
    ShareIn,
    ShareLinksOut,
    ShareOut,
    SharesOut,
)
from functions.api.shared import image
from functions.http import Binary
from functions.routing import Auth, Call, Reply, Routes, Tag
from streak_core.areas import ShareDeps
from streak_core.domain.cards import Share, card_svg, headline
from streak_core.domain.vocabulary import ImageFormat
from streak_core.services import shares

ShareCall = Call[ShareDeps]


ROUTES: Routes[ShareDeps] = Routes()


@ROUTES.get(
    "/v1/me/share-card",
    {200: None, 304: None},
    errors=(422,),
    query=ShareCardQuery,
    media_types=("image/png", "image/svg+xml"),
    operation_id="getShareCard",
)
def get_share_card(call: ShareCall) -> Reply:
    """Draw the caller's share card

    The caller's current share card, 1200x630, as PNG or SVG
    """
    deps = call.deps
    svg = shares.current_card(deps.store, deps.text_metrics, call.uid, call.now, deps.config)
    return Reply(200, image(deps.rasterizer, svg, call.query_as(ShareCardQuery).format), "private, no-cache")


@ROUTES.post("/v1/shares", {201: ShareCreatedOut}, body=ShareIn, operation_id="createShare")
def post_share(call: ShareCall) -> Reply:
    """Share the current card

    Freeze the card as it is now (only the fields included) under an unguessable public link
    """
    include, deps = call.body_as(ShareIn).include, call.deps
    share = shares.create_share(deps.store, deps.shares, call.uid, include, call.now, deps.config)
    return Reply(201, ShareCreatedOut(share=share_out(call, share)))


@ROUTES.get(
    "/v1/shares",
    {200: SharesOut},
    description=f"The caller's shares, newest first (the {shares.MAX_SHARES_LISTED} newest)",
    operation_id="listShares",
)
def get_shares(call: ShareCall) -> Reply:
    """List the caller's shares"""
    found = shares.list_shares(call.deps.shares, call.uid)
    return Reply(200, SharesOut(shares=[share_out(call, share) for share in found]))


@ROUTES.delete("/v1/shares/{id}", {204: None}, errors=(404,), operation_id="revokeShare")
def delete_share(call: ShareCall) -> Reply:
    """Revoke a share

    Revoke a share: its page and image are gone (404)
    """
    shares.revoke_share(call.deps.shares, call.uid, call.params["id"])
    return Reply(204)


@ROUTES.get(
    "/s/{id}.png",
    {200: None},
    errors=(404, 429),
    auth=Auth.PUBLIC,
    media_types=("image/png",),
    operation_id="getSharedImage",
)
def public_share_image(call: ShareCall) -> Reply:
    """Get a share's image

    A share's frozen card as PNG (public, no token)
    """
    share = shares.public_share(call.deps.shares, call.params["id"], count_open=False)
    svg = card_svg(share.content, call.deps.text_metrics)
    return Reply(200, image(call.deps.rasterizer, svg, ImageFormat.PNG), PUBLIC_CACHE)


@ROUTES.get(
    "/s/{id}",
    {200: None},
    errors=(404, 429),
    auth=Auth.PUBLIC,
    media_types=("text/html",),
    operation_id="getSharePage",
)
def public_share_page(call: ShareCall) -> Reply:
    """Open a share's public page

    A share's public page with Open Graph and Twitter tags (public, no token; counts one open)
    """
    share = shares.public_share(call.deps.shares, call.params["id"], count_open=True, now=call.now)
    url, image_url = share_urls(call, share.id)
    page = pages.share_page(share, url, image_url)
    return Reply(200, Binary(page.encode(), "text/html"), PUBLIC_CACHE)  # flask adds "; charset=utf-8"


def share_urls(call: ShareCall, share_id: str) -> tuple[str, str]:
    base = call.deps.public_base_url or call.request.url_root.rstrip("/")
    return f"{base}/s/{share_id}", f"{base}/s/{share_id}.png"


def share_out(call: ShareCall, share: Share) -> ShareOut:
    url, image_url = share_urls(call, share.id)
    quoted, text = quote(url, safe=""), quote(headline(share.content), safe="")
    links = ShareLinksOut(
        twitter=f"https://twitter.com/intent/tweet?url={quoted}&text={text}",
        linkedin=f"https://www.linkedin.com/sharing/share-offsite/?url={quoted}",
        facebook=f"https://www.facebook.com/sharer/sharer.php?u={quoted}",
    )
    return ShareOut(
        id=share.id,
        url=url,
        image_url=image_url,
        links=links,
        created_at=share.created_at,
        opens=share.opens,
        include=list(share.included),
    )


TAG = Tag(
    "Shares", "Frozen snapshots of the share card behind unguessable public links, with Open Graph pages."
)
