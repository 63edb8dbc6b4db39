"""Recurring words in free-text comments: Japanese by SudachiPy (core dictionary), English by stemming.

Everything runs locally: SudachiPy's dictionary is a PyPI package (sudachidict-core), so nothing
is fetched at run time. A term counts once per comment, and only terms found in at least
`min_comments` comments are returned, so a theme is never one person's wording.
"""

import re
from collections import Counter
from functools import lru_cache

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
EN_WORD = re.compile(r"[a-z][a-z'-]+")

# Words too general to be a theme in comments about a company's innovation work.
EN_STOP = set(
    "a about after all also am an and any are as at be because been but by can could did do does doing don't "
    "for from get got had has have having he her here his how i if in into is it its it's just like more most "
    "much my no not of on one only or other our out over own really same she should so some such than that "
    "the their them then there these they this those through to too under until up very was we were what "
    "when where which while who why will with would you your company innovation innovative thing things "
    "lot make made people need needs think way ways".split()
)
JA_STOP = set(
    "こと もの ため よう それ これ ところ 方 感じ 人 自分 私 当社 会社 弊社 イノベーション 必要 場合 "
    "部分 状況 問題 今 中 時 点 的".split()
)
JA_POS = {("名詞", "普通名詞"), ("名詞", "固有名詞")}


@lru_cache(maxsize=1)
def _tokenizer():
    from sudachipy import Dictionary

    dictionary = Dictionary(dict="core")
    # SudachiPy 0.7 renamed create() to tokenizer(); 0.6 has only create().
    return dictionary.tokenizer() if hasattr(dictionary, "tokenizer") else dictionary.create()


def japanese_terms(text):
    """Content nouns of a Japanese text, in their normalised form (稟議, 契約, スタートアップ, ...)."""
    from sudachipy import SplitMode

    terms = []
    for morpheme in _tokenizer().tokenize(text, SplitMode.C):
        if tuple(morpheme.part_of_speech()[:2]) not in JA_POS:
            continue
        term = morpheme.normalized_form()
        if term in JA_STOP or len(term) < 2 or term.isdigit():
            continue
        terms.append(term)
    return terms


def stem(word):
    """A light English stemmer: enough to put "approvals", "approval" and "approved" together."""
    for suffix, replacement in (
        ("ies", "y"),
        ("ied", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("ly", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)] + replacement
            break
    if word.endswith("al") and len(word) > 6:
        word = word[:-2]
    return word


def english_terms(text):
    """(stem, word) pairs of an English text's content words."""
    return [(stem(word), word) for word in EN_WORD.findall(text.lower()) if word not in EN_STOP and len(word) > 2]


def recurring_terms(texts, *, min_comments=2, limit=8):
    """[(term, number of comments)] most frequent first; Japanese and English texts alike."""
    counts, labels = Counter(), {}
    for text in texts:
        if JAPANESE.search(text):
            found = set(japanese_terms(text))
            for term in found:
                labels.setdefault(term, Counter())[term] += 1
        else:
            pairs = english_terms(text)
            found = {stem_ for stem_, _word in pairs}
            for stem_, word in pairs:
                labels.setdefault(stem_, Counter())[word] += 1
        counts.update(found)
    common = [(key, n) for key, n in counts.items() if n >= min_comments]
    common.sort(key=lambda pair: (-pair[1], pair[0]))
    return [(labels[key].most_common(1)[0][0], n) for key, n in common[:limit]]
