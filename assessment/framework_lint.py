"""Checks of a format-2 framework file's wording and mappings (questionnaire 1.1 on).

Called by `framework_file.framework_problems`, so a file that fails them is refused by the
loader with every problem and its place, and nothing of it is loaded. Each check is plain data
in, list of problems out.
"""

import re

# One idea per statement: a joining word usually means two questions in one ("The team has the
# skills and the time"). A statement that names several members of one category ("development,
# sales or marketing") may say so with `double_barrel_ok: "<why it is one idea>"`.
DOUBLE_BARREL_EN = re.compile(r"\b(and|or|and/or|as well as)\b|/", re.IGNORECASE)
DOUBLE_BARREL_JA = re.compile(r"および|及び|または|又は|ならびに|並びに|かつ|とともに")
# Agreement with a guess about the future is not agreement with a fact ("funding would continue").
HYPOTHETICAL_EN = re.compile(r"\b(would|might|could)\b", re.IGNORECASE)
HYPOTHETICAL_JA = re.compile(r"と思う|と思います|だろう|でしょう|はずだ|はずです")
# Respondent-facing Japanese is polite: statements and prompts end in です・ます form.
POLITE_JA_END = re.compile(r"(ます|ません|です|ください|でした|ました)か?[。？]$")


def lint_problems(data):
    problems = []
    for d_index, dimension in enumerate(data.get("dimensions") or []):
        if not isinstance(dimension, dict):
            continue
        for i_index, item in enumerate(dimension.get("items") or []):
            if not isinstance(item, dict) or not isinstance(item.get("text"), dict):
                continue
            where = f"dimensions[{d_index}].items[{i_index}]"
            en, ja = str(item["text"].get("en") or ""), str(item["text"].get("ja") or "")
            if not item.get("double_barrel_ok"):
                if match := DOUBLE_BARREL_EN.search(en):
                    problems.append(
                        f"{where}.text.en: {match.group(0)!r} joins two ideas; split the statement "
                        "or give double_barrel_ok with the reason it is one idea"
                    )
                if match := DOUBLE_BARREL_JA.search(ja):
                    problems.append(
                        f"{where}.text.ja: {match.group(0)!r} joins two ideas; split the statement "
                        "or give double_barrel_ok with the reason it is one idea"
                    )
            if match := HYPOTHETICAL_EN.search(en):
                problems.append(f"{where}.text.en: hypothetical wording {match.group(0)!r}; ask about what happens")
            if match := HYPOTHETICAL_JA.search(ja):
                problems.append(f"{where}.text.ja: hypothetical wording {match.group(0)!r}; ask about what happens")
            if ja and not POLITE_JA_END.search(ja.strip()):
                problems.append(f"{where}.text.ja: end in polite です・ます form")
    for where, text in _prompts(data):
        if text and not POLITE_JA_END.search(text.strip()):
            problems.append(f"{where}.ja: end in polite です・ます form (…をお選びください。)")
    return problems


def _prompts(data):
    profile = data.get("profile") if isinstance(data.get("profile"), dict) else {}
    for field in ("role_group", "department"):
        prompt = (profile.get(field) or {}).get("prompt")
        if isinstance(prompt, dict):
            yield f"profile.{field}.prompt", str(prompt.get("ja") or "")
    comments = data.get("comments") if isinstance(data.get("comments"), dict) else {}
    for field, prompt in comments.items():
        if isinstance(prompt, dict):
            yield f"comments.{field}", str(prompt.get("ja") or "")


# --- answer scale ------------------------------------------------------------------------------

# (polarity, strength) of the words an agreement anchor is made of. Strength 2 is an intensifier
# ("strongly", まったく), 1 the plain word, 0.5 a hedge ("somewhat", やや): 1.0's Japanese "Agree"
# was ややそう思う (a hedge) while its English was plain, so "% favourable" meant different things.
_EN_STRENGTH = (("strongly", 2.0), ("completely", 2.0), ("somewhat", 0.5), ("slightly", 0.5), ("mostly", 0.5))
_JA_STRENGTH = (
    ("まったく", 2.0),
    ("全く", 2.0),
    ("強く", 2.0),
    ("とても", 2.0),
    ("非常に", 2.0),
    ("やや", 0.5),
    ("あまり", 0.5),
    ("少し", 0.5),
    ("どちらかといえば", 0.5),
)


def anchor_meaning(text, lang):
    """(polarity -1/0/1, strength) of an agreement anchor, or None when the words are unknown."""
    text = text.strip().lower()
    if lang == "en":
        if text.startswith("neither"):
            return (0, 0.0)
        polarity = -1 if "disagree" in text else 1 if "agree" in text else None
        strengths = _EN_STRENGTH
    else:
        if "どちらともいえない" in text or "どちらとも言えない" in text:
            return (0, 0.0)
        polarity = -1 if "思わない" in text else 1 if "思う" in text else None
        strengths = _JA_STRENGTH
    if polarity is None:
        return None
    strength = next((value for word, value in strengths if word in text), 1.0)
    return (polarity, strength)


def scale_problems(scale):
    """The English and Japanese anchors mean the same, point by point, and the scale is symmetric."""
    if not isinstance(scale, dict) or not isinstance(scale.get("anchors"), dict):
        return []
    anchors = {str(k): v for k, v in scale["anchors"].items()}
    problems = []
    meanings = {}
    for point in ("1", "2", "3", "4", "5"):
        label = anchors.get(point)
        if not isinstance(label, dict):
            return []
        en, ja = anchor_meaning(str(label.get("en", "")), "en"), anchor_meaning(str(label.get("ja", "")), "ja")
        if en is None or ja is None:
            problems.append(f"scale.anchors.{point}: not an agreement anchor this check knows")
            continue
        if en != ja:
            problems.append(
                f"scale.anchors.{point}: English {label['en']!r} and Japanese {label['ja']!r} differ in strength or direction"
            )
        meanings[point] = en
    if len(meanings) == 5:
        expected_polarity = {"1": -1, "2": -1, "3": 0, "4": 1, "5": 1}
        for point, (polarity, _strength) in meanings.items():
            if polarity != expected_polarity[point]:
                problems.append(f"scale.anchors.{point}: runs the wrong way")
        if meanings["1"][1] != meanings["5"][1] or meanings["2"][1] != meanings["4"][1]:
            problems.append("scale.anchors: not symmetric (disagree and agree sides differ in strength)")
        if not meanings["1"][1] > meanings["2"][1]:
            problems.append("scale.anchors.1: must be stronger than 2")
    return problems


# --- comments and comparison -------------------------------------------------------------------

COMMENT_PROMPTS = ("dimension", "obstacle")


def comment_prompt_problems(data):
    comments = data.get("comments")
    if comments is None:
        return []
    if not isinstance(comments, dict) or set(comments) != set(COMMENT_PROMPTS):
        return [f"comments: needs exactly {', '.join(COMMENT_PROMPTS)}"]
    problems = []
    for field in COMMENT_PROMPTS:
        prompt = comments[field]
        for lang in ("en", "ja"):
            if not isinstance(prompt, dict) or not str(prompt.get(lang) or "").strip():
                problems.append(f"comments.{field}.{lang}: missing or empty")
    return problems


def comparison_problems(data, earlier):
    """The mapping to an earlier version names keys that exist on both sides.

    `earlier(key, version)` gives {"dimensions": set, "items": {item: dimension}} or None.
    """
    comparison = data.get("comparison")
    if comparison is None:
        return []
    if not isinstance(comparison, dict):
        return ["comparison: must be a mapping with version, dimensions and items"]
    problems = []
    version = comparison.get("version")
    if not isinstance(version, str) or not version or version == data.get("version"):
        problems.append("comparison.version: must name an earlier version (quoted)")
        return problems
    here_dimensions = {d.get("key") for d in data.get("dimensions") or [] if isinstance(d, dict)}
    here_items = {
        i.get("key"): d.get("key")
        for d in data.get("dimensions") or []
        if isinstance(d, dict)
        for i in d.get("items") or []
        if isinstance(i, dict)
    }
    other = earlier(data.get("key"), version) if earlier else None
    if earlier and other is None:
        problems.append(
            f"comparison.version: version {version} of {data.get('key')} is neither loaded nor beside this file"
        )
    dimensions = comparison.get("dimensions")
    items = comparison.get("items")
    if not isinstance(dimensions, dict) or not isinstance(items, dict):
        problems.append("comparison: dimensions and items must be mappings (key here: key in the earlier version)")
        return problems
    for key, old in dimensions.items():
        if key not in here_dimensions:
            problems.append(f"comparison.dimensions.{key}: no such dimension in this file")
        if other is not None and old not in other["dimensions"]:
            problems.append(f"comparison.dimensions.{key}: {old!r} is not a dimension of version {version}")
    for key, old in items.items():
        if key not in here_items:
            problems.append(f"comparison.items.{key}: no such statement in this file")
            continue
        if other is None:
            continue
        if old not in other["items"]:
            problems.append(f"comparison.items.{key}: {old!r} is not a statement of version {version}")
        elif dimensions.get(here_items[key]) != other["items"][old]:
            problems.append(f"comparison.items.{key}: its dimension does not map to the dimension of {old!r}")
    olds = list(items.values())
    for old in {o for o in olds if olds.count(o) > 1}:
        problems.append(f"comparison.items: {old!r} is mapped twice")
    return problems
