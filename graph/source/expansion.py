"""What a vendor named in a dependency stands for: its offerings that fit the dependency.

`uses_model: openai` names a vendor, not one of its models. It stands for the vendor's offerings in
the kind's supplier layers (`sm:supplierLayer`: a model layer for `uses_model`, a foundry process
for `fabbed_by`); of those, an offering of another market than the consumer's is left out when some
of the same market or of no market remain (an app of the search market that uses OpenAI's models
takes its language models, not its image model). A vendor with no fitting offering stands for none
(the check refuses that case in the data; on a date before the vendor's first fitting offering is
released, the dependency has no supplier yet), and a vendor with no offering for itself. An offering
never stands in for itself: an offering that names its own vendor depends on the vendor's others.

The projection draws the edges this way, and the check warns when a vendor stands for several
offerings, naming them, unless the reference says `any: true`.
"""

from __future__ import annotations

from collections.abc import Sequence


def fitting(
    offerings: Sequence[tuple[str, str, str | None]],
    supplier_layers: set[str],
    market: str | None,
    consumer: str | None = None,
) -> list[str]:
    """The ids of the offerings (id, layer, market) a vendor named in a dependency stands for, for a
    consumer (the offering `consumer`, never one of them) of `market`, in the order given.

    >>> openai = [("gpt-3", "closed-foundation-models", None), ("dall-e", "closed-foundation-models",
    ...           "image-generation"), ("chatgpt", "end-to-end-apps", None)]
    >>> fitting(openai, {"closed-foundation-models"}, "search")
    ['gpt-3']
    >>> fitting(openai, {"closed-foundation-models"}, "image-generation")
    ['gpt-3', 'dall-e']
    >>> fitting([("chatgpt", "end-to-end-apps", None)], {"closed-foundation-models"}, None)
    []
    >>> fitting(openai, {"closed-foundation-models"}, "image-generation", consumer="dall-e")
    ['gpt-3']
    """
    fit = [(o, m) for o, layer, m in offerings if layer in supplier_layers and o != consumer]
    same = [o for o, m in fit if m is None or m == market]
    return same if market is not None and same else [o for o, _ in fit]
