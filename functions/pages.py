"""The public share page: HTML with the Open Graph and Twitter tags crawlers read, showing the card."""

from __future__ import annotations

from html import escape

from streak_core.domain.cards import HEIGHT, WIDTH, Share, headline


def share_page(share: Share, url: str, image_url: str) -> str:
    content = share.content
    title = headline(content)
    parts = [f"{content.current_streak} days in a row"]
    if content.longest_streak is not None:
        parts.append(f"longest {content.longest_streak}")
    if content.level is not None:
        parts.append(f"level {content.level}")
    description = f"{', '.join(parts)} — focus sessions tracked with Focus streaks."
    tags = {
        "og:type": "website",
        "og:title": title,
        "og:description": description,
        "og:url": url,
        "og:image": image_url,
        "og:image:width": str(WIDTH),
        "og:image:height": str(HEIGHT),
        "og:image:alt": title,
    }
    twitter = {
        "twitter:card": "summary_large_image",
        "twitter:title": title,
        "twitter:description": description,
        "twitter:image": image_url,
    }
    meta = "\n".join(
        [f'<meta property="{k}" content="{escape(v)}">' for k, v in tags.items()]
        + [f'<meta name="{k}" content="{escape(v)}">' for k, v in twitter.items()]
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<meta name="description" content="{escape(description)}">
{meta}
<style>
body {{ margin: 0; min-height: 100vh; display: grid; place-items: center; background: #0b1120;
       font-family: system-ui, sans-serif; color: #e2e8f0; }}
main {{ width: min(96vw, {WIDTH}px); text-align: center; }}
img {{ width: 100%; height: auto; border-radius: 16px; box-shadow: 0 12px 40px rgba(0, 0, 0, .5); }}
p {{ margin: 20px 0 0; color: #94a3b8; }}
</style>
</head>
<body>
<main>
<img src="{escape(image_url)}" alt="{escape(title)}">
<p>{escape(description)}</p>
</main>
</body>
</html>
"""


def unsubscribe_page(kind: str, action: str | None) -> str:
    """The page an email's unsubscribe link opens: a button that POSTs (`action`, so a link scanner's GET
    changes nothing, as RFC 8058 asks), or, once done (`action` None), what was switched off."""
    what = escape(kind.replace("_", " "))
    if action is None:
        text = f"<h1>Unsubscribed</h1><p>You will get no more <b>{what}</b> notifications.</p>"
    else:
        text = (
            f"<h1>Stop {what} notifications?</h1>"
            f'<form method="post" action="{escape(action)}"><button type="submit">Unsubscribe</button></form>'
        )
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Focus streaks</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem">{text}</body>
</html>
"""
