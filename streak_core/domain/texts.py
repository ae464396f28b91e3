"""What each notification says, per kind and locale: its title and body, and the other texts a kind has
for data that holds a key of its own. Rendered by notifications.render."""

from __future__ import annotations

from streak_core.domain.vocabulary import Locale
from streak_core.domain.vocabulary import NotificationKind as Kind

# {n:days}, {n:day} and {n:minutes} render a count with its noun, plural-aware per locale.
TEMPLATES: dict[Locale, dict[Kind, tuple[str, str]]] = {
    Locale.EN: {
        Kind.MILESTONE: ("{days:days} of focus!", "You reached a {days:day} streak. Keep it going!"),
        Kind.FREEZE_APPLIED: (
            "A freeze saved your streak",
            "You missed a day, so a freeze kept your {streak:day} streak alive. "
            "Freezes left: {freezes_left}.",
        ),
        Kind.STREAK_BROKEN: (
            "Your streak ended",
            "Your {length_lost:day} streak ended. Start a new one today!",
        ),
        Kind.WEEKLY_BONUS: (
            "Weekly bonus: +{xp} XP",
            "You focused on {qualified_days:days} in week {week} and earned {xp} XP.",
        ),
        Kind.STREAK_RESTORED: (
            "Your streak is back",
            "Late sessions filled the gap: your streak is {days:days} again.",
        ),
        Kind.FREEZE_EARNED: (
            "You earned a freeze",
            "{streak:days} in a row! You now hold {freezes} freezes.",
        ),
        Kind.STREAK_RECOVERED: (
            "Streak recovered",
            "Your extra focus recovered your streak: {days:days} and counting.",
        ),
        Kind.REMINDER: (
            "Keep your {streak:day} streak",
            "{minutes:more_minutes} to keep your {streak:day} streak.",
        ),
        Kind.BADGE_EARNED: ("New badge: {name}", "You earned the {name} badge. {description}"),
        Kind.CHALLENGE_COMPLETED: (
            "Challenge completed: {title}",
            "You completed “{title}” and earned {reward_xp} XP.",
        ),
        Kind.LEAGUE_FINISHED: (
            "League week {week}: #{rank} in {tier}",
            "You finished #{rank} in {tier} with {score:minutes} of focus. Next week: {next_tier}.",
        ),
        Kind.FRIEND_STREAK_INVITED: (
            "A friend streak invitation",
            "A friend asked you to keep a friend streak together. Accept it in the app.",
        ),
        Kind.FRIEND_STREAK_EXTENDED: (
            "Friend streak: {days:days}",
            "You and your friend both focused: your friend streak is {days:days}.",
        ),
        Kind.FRIEND_STREAK_BROKEN: (
            "Your friend streak ended",
            "Your {days:day} friend streak ended. Start again today!",
        ),
        Kind.FRIEND_STREAK_NUDGE: (
            "Your friend is waiting",
            "Your friend nudged you: focus today to keep your friend streak.",
        ),
        Kind.REACTIVATION: (
            "We miss your focus",
            "It has been {days:days} since your last focus session. Ten minutes today is a fine restart.",
        ),
    },
    Locale.FR: {
        Kind.MILESTONE: (
            "{days:days} de concentration !",
            "Vous avez atteint une série de {days:days}. Continuez !",
        ),
        Kind.FREEZE_APPLIED: (
            "Un gel a sauvé votre série",
            "Vous avez manqué un jour : un gel a préservé votre série de {streak:days}. "
            "Gels restants : {freezes_left}.",
        ),
        Kind.STREAK_BROKEN: (
            "Votre série est terminée",
            "Votre série de {length_lost:days} est terminée. Commencez-en une nouvelle aujourd'hui !",
        ),
        Kind.WEEKLY_BONUS: (
            "Bonus de la semaine : +{xp} XP",
            "Vous vous êtes concentré {qualified_days:days} pendant la semaine {week} : +{xp} XP.",
        ),
        Kind.STREAK_RESTORED: (
            "Votre série est de retour",
            "Des sessions tardives ont comblé le trou : votre série est de nouveau de {days:days}.",
        ),
        Kind.FREEZE_EARNED: ("Vous avez gagné un gel", "{streak:days} d'affilée ! Vous avez {freezes} gels."),
        Kind.STREAK_RECOVERED: (
            "Série récupérée",
            "Votre effort supplémentaire a sauvé votre série : {days:days} et ça continue.",
        ),
        Kind.REMINDER: (
            "Gardez votre série de {streak:days}",
            "Encore {minutes:minutes} aujourd'hui pour garder votre série de {streak:days}.",
        ),
        Kind.BADGE_EARNED: ("Nouveau badge : {name}", "Vous avez obtenu le badge « {name} » : {description}"),
        Kind.CHALLENGE_COMPLETED: (
            "Défi réussi : {title}",
            "Vous avez réussi le défi « {title} » et gagné {reward_xp} XP.",
        ),
        Kind.LEAGUE_FINISHED: (
            "Ligue, semaine {week} : n° {rank} en {tier}",
            "Vous terminez n° {rank} en {tier} avec {score:minutes} de concentration. "
            "Semaine prochaine : {next_tier}.",
        ),
        Kind.FRIEND_STREAK_INVITED: (
            "Invitation à une série entre amis",
            "Un ami vous propose de garder une série ensemble. Acceptez-la dans l'application.",
        ),
        Kind.FRIEND_STREAK_EXTENDED: (
            "Série entre amis : {days:days}",
            "Vous vous êtes concentrés tous les deux : votre série entre amis est de {days:days}.",
        ),
        Kind.FRIEND_STREAK_BROKEN: (
            "Votre série entre amis est terminée",
            "Votre série entre amis de {days:days} est terminée. Recommencez aujourd'hui !",
        ),
        Kind.FRIEND_STREAK_NUDGE: (
            "Votre ami vous attend",
            "Un ami vous encourage : concentrez-vous aujourd'hui pour garder votre série entre amis.",
        ),
        Kind.REACTIVATION: (
            "Votre concentration nous manque",
            "Cela fait {days:days} depuis votre dernière session. "
            "Dix minutes aujourd'hui, c'est un bon redémarrage.",
        ),
    },
}
# Other texts of a kind, used when the data holds the key named (the first that matches): a break that can
# still be recovered, the reminder on the day that recovers it or for a friend who has focused, and the
# friend streak texts when the friend has a name to show.
Variant = tuple[str, tuple[str, str]]
VARIANTS: dict[Locale, dict[Kind, tuple[Variant, ...]]] = {
    Locale.EN: {
        Kind.STREAK_BROKEN: (
            (
                "recoverable_until",
                (
                    "Your streak can still be saved",
                    "Your {length_lost:day} streak ended yesterday. "
                    "Focus {minutes:minutes} today to recover it.",
                ),
            ),
        ),
        Kind.REMINDER: (
            (
                "recovery",
                (
                    "Recover your {streak:day} streak",
                    "{minutes:more_minutes} today to recover your {streak:day} streak.",
                ),
            ),
            (
                "friend",
                (
                    "{friend} has focused today — your turn",
                    "{minutes:more_minutes} to keep your {streak:day} friend streak with {friend}.",
                ),
            ),
        ),
        Kind.FRIEND_STREAK_INVITED: (
            (
                "friend",
                (
                    "{friend} invited you to a friend streak",
                    "Focus every day together: accept {friend}'s invitation in the app.",
                ),
            ),
        ),
        Kind.FRIEND_STREAK_EXTENDED: (
            (
                "friend",
                (
                    "Friend streak with {friend}: {days:days}",
                    "You and {friend} both focused: your friend streak is {days:days}.",
                ),
            ),
        ),
        Kind.FRIEND_STREAK_BROKEN: (
            (
                "friend",
                (
                    "Your friend streak with {friend} ended",
                    "Your {days:day} friend streak with {friend} ended. Start again today!",
                ),
            ),
        ),
        Kind.FRIEND_STREAK_NUDGE: (
            (
                "friend",
                (
                    "{friend} nudged you",
                    "{friend} is waiting: focus today to keep your friend streak.",
                ),
            ),
        ),
    },
    Locale.FR: {
        Kind.STREAK_BROKEN: (
            (
                "recoverable_until",
                (
                    "Votre série peut encore être sauvée",
                    "Votre série de {length_lost:days} s'est arrêtée hier. "
                    "Concentrez-vous {minutes:minutes} aujourd'hui pour la récupérer.",
                ),
            ),
        ),
        Kind.REMINDER: (
            (
                "recovery",
                (
                    "Récupérez votre série de {streak:days}",
                    "Encore {minutes:minutes} aujourd'hui pour récupérer votre série de {streak:days}.",
                ),
            ),
            (
                "friend",
                (
                    "{friend} s'est concentré aujourd'hui — à vous",
                    "Encore {minutes:minutes} pour garder votre série de {streak:days} avec {friend}.",
                ),
            ),
        ),
        Kind.FRIEND_STREAK_INVITED: (
            (
                "friend",
                (
                    "{friend} vous invite à une série entre amis",
                    "Concentrez-vous chaque jour ensemble : "
                    "acceptez l'invitation de {friend} dans l'application.",
                ),
            ),
        ),
        Kind.FRIEND_STREAK_EXTENDED: (
            (
                "friend",
                (
                    "Série avec {friend} : {days:days}",
                    "{friend} et vous vous êtes concentrés : votre série entre amis est de {days:days}.",
                ),
            ),
        ),
        Kind.FRIEND_STREAK_BROKEN: (
            (
                "friend",
                (
                    "Votre série avec {friend} est terminée",
                    "Votre série de {days:days} avec {friend} est terminée. Recommencez aujourd'hui !",
                ),
            ),
        ),
        Kind.FRIEND_STREAK_NUDGE: (
            (
                "friend",
                (
                    "{friend} vous encourage",
                    "{friend} vous attend : concentrez-vous aujourd'hui pour garder votre série entre amis.",
                ),
            ),
        ),
    },
}
