"""Demo additions of the kit area: an online resource (link) for each film of the catalogue."""

from __future__ import annotations

from trainer.kits.models import KitResource, ResourceKind

# The government site that hosts the MIPROF films and tools (the seed names its predecessor,
# stop-violences-femmes.gouv.fr). Demo data: the root page, not a guessed deep link.
SITE = "https://arretonslesviolences.gouv.fr/"


def extend(context) -> None:
    """Give every kit with a film a link to watch it online; never twice the same link."""
    for slug in sorted(context.kits):
        kit = context.kits[slug]
        film = kit.film
        if film is None or any(resource.url == SITE for resource in kit.resources):
            continue
        kit.resources.append(
            KitResource(kind=ResourceKind.link, title=f"Voir le film « {film.title} » en ligne", url=SITE)
        )
