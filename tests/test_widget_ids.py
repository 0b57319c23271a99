"""Widget pages come out the same whether the notebook was just executed or read back from the cache.

ipywidgets gives every model a random id, and jupyter-cache stores notebooks with sorted keys, so the
same widgets reach the page with other ids and in another key order. ``site_fixes`` writes the widget
state and views canonically; these tests build such pairs of inputs and require identical output.
"""

from __future__ import annotations

import json
import random

from ccg_book.site_fixes import canonical_widget_state, canonical_widget_views


def widget_page(seed: int, sort_keys: bool) -> tuple[str, str]:
    """Return (state JSON, page body) for two dropdowns linked by a jslink, with random ids."""
    rng = random.Random(seed)
    ids = {name: f"{rng.getrandbits(128):032x}" for name in ("layout", "a", "b", "link", "style")}

    def model(name: str, state: dict) -> dict:
        return {"model_name": name, "model_module": "@jupyter-widgets/controls", "state": state}

    models = {
        ids["layout"]: model("LayoutModel", {"width": "auto"}),
        ids["style"]: model("DescriptionStyleModel", {"description_width": ""}),
        ids["a"]: model(
            "DropdownModel",
            {"layout": f"IPY_MODEL_{ids['layout']}", "style": f"IPY_MODEL_{ids['style']}", "index": 0},
        ),
        ids["b"]: model("DropdownModel", {"layout": f"IPY_MODEL_{ids['layout']}", "index": 0}),
        ids["link"]: model(
            "LinkModel",
            {"source": [f"IPY_MODEL_{ids['a']}", "index"], "target": [f"IPY_MODEL_{ids['b']}", "index"]},
        ),
    }
    order = list(models)
    rng.shuffle(order)  # the order models happen to be listed in
    state = {"state": {key: models[key] for key in order}, "version_major": 2, "version_minor": 0}
    views = "".join(
        '<script type="application/vnd.jupyter.widget-view+json">'
        + json.dumps({"version_major": 2, "version_minor": 0, "model_id": ids[name]}, sort_keys=sort_keys)
        + "</script>"
        for name in ("a", "b")
    )
    return json.dumps(state, sort_keys=sort_keys), f"<p>Choose:</p>{views}"


def rendered(seed: int, sort_keys: bool) -> tuple[str, str]:
    state, body = widget_page(seed, sort_keys)
    text, mapping = canonical_widget_state("chapters/explorer", state, body)
    page = canonical_widget_views(body)
    for old, new in mapping.items():
        page = page.replace(old, new)
    return text, page


def test_fresh_and_cached_pages_are_identical() -> None:
    fresh = rendered(seed=1, sort_keys=False)
    cached = rendered(seed=2, sort_keys=True)  # other random ids, keys sorted, models in another order
    assert fresh == cached


def test_references_follow_the_renamed_models() -> None:
    state_text, page = rendered(seed=3, sort_keys=False)
    state = json.loads(state_text)["state"]
    assert len(state) == 5
    views = [json.loads(part.split("</script>")[0])["model_id"] for part in page.split('json">')[1:]]
    assert all(view in state for view in views)
    link = next(m for m in state.values() if m["model_name"] == "LinkModel")
    source, target = link["state"]["source"][0], link["state"]["target"][0]
    assert source.removeprefix("IPY_MODEL_") == views[0] and target.removeprefix("IPY_MODEL_") == views[1]
    for model in state.values():  # every reference points at a model of the state
        for value in json.dumps(model).split("IPY_MODEL_")[1:]:
            assert value[:32] in state


def test_different_pages_get_different_ids() -> None:
    state, body = widget_page(seed=4, sort_keys=False)
    one, _ = canonical_widget_state("chapters/one", state, body)
    two, _ = canonical_widget_state("chapters/two", state, body)
    assert set(json.loads(one)["state"]).isdisjoint(json.loads(two)["state"])


def test_script_end_tags_stay_escaped() -> None:
    state = json.dumps({"state": {"a" * 32: {"model_name": "HTMLModel", "state": {"value": "</script>"}}}})
    text, _ = canonical_widget_state("p", state, "")
    assert "</script>" not in text and r"<\/script>" in text
