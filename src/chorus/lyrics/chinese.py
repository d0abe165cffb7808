"""The Chinese grammar: one character per sung syllable, even line lengths, pinyin rhymes.

Lines are built like the English ones, from templates whose last slot is a two-character
rhyme word. Rhyme follows the pinyin final of the last character, grouped into rhyme
classes in the manner of the traditional 十三辙 (an/ian/uan rhyme; so do eng/ing/ong); the
writer prefers words with the very same final inside a class. Each section keeps one
rhyme throughout, as Chinese pop usually does.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from chorus.lyrics import _templates_zh as tpl
from chorus.lyrics._vocab_zh import ZH_CLUSTERS, ZH_DEFAULT_CLUSTERS, ZH_MOOD_ADJS, ZH_STOP
from chorus.lyrics.analysis import Idea, Theme
from chorus.lyrics.song import Section

MIN_CHARS, MAX_CHARS = 6, 12
_DRAWS = 16
_SLOT = re.compile(r"\{(\w+)\}")
_CLASSES: dict[str, tuple[str, ...]] = {
    "a": ("a", "ia", "ua"),
    "e": ("o", "uo", "e"),
    "ie": ("ie", "ve"),
    "i": ("i", "v", "er"),
    "u": ("u",),
    "ai": ("ai", "uai"),
    "ei": ("ei", "uei"),
    "ao": ("ao", "iao"),
    "ou": ("ou", "iou"),
    "an": ("an", "ian", "uan", "van"),
    "en": ("en", "in", "uen", "vn"),
    "ang": ("ang", "iang", "uang"),
    "eng": ("eng", "ing", "ong", "iong", "ueng"),
}
_CLASS_OF = {final: name for name, finals in _CLASSES.items() for final in finals}


def final_of(char: str) -> str:
    """The pinyin final of one character ("光" -> "uang"), "" when it has none."""
    # Imported here: its tables take a third of a second, which the service's start
    # should not pay (the worker's warm-up loads them in the background).
    from pypinyin import Style, lazy_pinyin

    return str(lazy_pinyin(char, style=Style.FINALS)[0])


def rhyme_class(char: str) -> str | None:
    """The rhyme class of a character's final ("光", "阳", "乡" -> "ang")."""
    return _CLASS_OF.get(final_of(char))


def chars_rhyme(a: str, b: str, *, exact: bool = False) -> bool:
    """Whether two characters rhyme: same final when ``exact``, else same rhyme class."""
    if exact:
        fa = final_of(a)
        return bool(fa) and fa == final_of(b)
    ca = rhyme_class(a)
    return ca is not None and ca == rhyme_class(b)


@dataclass(slots=True)
class ZhPalette:
    nouns: list[str]
    verbs: list[str]
    adjs: list[str]
    places: list[str]
    themes: list[Theme]
    groups: dict[str, list[tuple[str, str]]]  # rhyme class -> [(word, slot)]
    themed: set[str]
    used_ends: set[str] = field(default_factory=set)
    used_lines: set[str] = field(default_factory=set)


@cache
def _variants(template: str) -> tuple[str, ...]:
    """Every spelling of a template with its optional ("X?") characters kept or dropped."""
    parts = re.split(r"(.\?)", template)
    options = [[p[0], ""] if len(p) == 2 and p[1] == "?" else [p] for p in parts]
    return tuple("".join(choice) for choice in itertools.product(*options))


def _palette(idea: Idea, rng: random.Random) -> ZhPalette:
    by_name = {c.name: c for c in ZH_CLUSTERS}
    chosen = [by_name[n] for n in idea.clusters if n in by_name][:3]
    if len(chosen) < 2:
        extra = [n for n in ZH_DEFAULT_CLUSTERS if by_name[n] not in chosen]
        chosen += [by_name[n] for n in rng.sample(extra, 2 - len(chosen))]
    adjs = list(ZH_MOOD_ADJS.get(idea.mood, ())) + [w for c in chosen for w in c.adjs]
    entries = [(w, "RN") for w in tpl.END_NOUNS] + [(w, "RV") for w in tpl.END_VERBS]
    entries += [(w, "RA") for w in tpl.END_ADJS]
    themed: set[str] = set()
    for c in chosen:
        for pool, slot in ((c.nouns, "RN"), (c.verbs, "RV"), (c.adjs, "RA")):
            entries += [(w, slot) for w in pool]
            themed.update(pool)
    entries += [(w, "RA") for w in ZH_MOOD_ADJS.get(idea.mood, ())]
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for word, slot in dict.fromkeys(entries):
        cls = rhyme_class(word[-1])
        if cls is not None:
            groups[cls].append((word, slot))
    themes = [t for t in idea.themes if t.text not in ZH_STOP]
    return ZhPalette(
        nouns=list(dict.fromkeys(w for c in chosen for w in c.nouns)),
        verbs=list(dict.fromkeys(w for c in chosen for w in c.verbs)),
        adjs=list(dict.fromkeys(adjs)),
        places=list(dict.fromkeys(w for c in chosen for w in c.places)),
        themes=themes,
        groups=dict(groups),
        themed=themed,
    )


def _pick_rhyme(pal: ZhPalette, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``count`` end words of one rhyme class, fresh in this song, same final preferred."""
    options = []
    for members in pal.groups.values():
        fresh = [m for m in members if m[0] not in pal.used_ends]
        if len(fresh) >= count:
            weight = 1.0 + 2.0 * sum(1 for m in fresh if m[0] in pal.themed)
            options.append((weight, fresh))
    if not options:
        pal.used_ends.clear()
        return _pick_rhyme(pal, rng, count)
    members = rng.choices([o[1] for o in options], weights=[o[0] for o in options])[0]
    members = rng.sample(members, len(members))
    first = members[0]
    same = [m for m in members[1:] if final_of(m[0][-1]) == final_of(first[0][-1])]
    others = [m for m in members[1:] if m not in same]
    picked = [first, *(same + others)[: count - 1]]
    pal.used_ends.update(m[0] for m in picked)
    return picked


def _fill(
    template: str, end: str, pal: ZhPalette, rng: random.Random, *, theme: Theme | None, hook: str
) -> str:
    taken = {end}

    def draw(pool: list[str]) -> str:
        fresh = [w for w in pool if w not in taken] or pool
        word = rng.choice(fresh)
        taken.add(word)
        return word

    t = theme or (rng.choice(pal.themes) if pal.themes else None)

    def slot(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in ("RN", "RV", "RA"):
            return end
        if name == "T":
            return t.text if t else draw(pal.nouns)
        if name == "H":
            return hook
        pools = {"N": pal.nouns, "V": pal.verbs, "A": pal.adjs, "P": pal.places}
        return draw(pools[name])

    return _SLOT.sub(slot, template)


def write_line(
    pal: ZhPalette,
    rng: random.Random,
    templates: dict[str, tuple[str, ...]],
    end: tuple[str, str],
    target: int,
    *,
    theme: Theme | None = None,
    hook: str = "",
) -> str:
    pool = list(templates[end[1]])
    if theme is not None:
        pool = [t for t in pool if "{T}" in t or "{H}" in t] or pool
    best: tuple[float, str] | None = None
    for _ in range(_DRAWS):
        template = rng.choice(pool)
        for variant in _variants(template):
            line = _fill(variant, end[0], pal, rng, theme=theme, hook=hook)
            if theme is not None and theme.text not in line:
                continue
            n = len(line)
            score = abs(n - target) + 6.0 * (n % 2) + 3.0 * (not MIN_CHARS <= n <= MAX_CHARS)
            score += 10.0 * (line in pal.used_lines) + 0.5 * (
                "?" in template and n == len(template)
            )
            if best is None or score < best[0]:
                best = (score, line)
    if best is None:
        best = (0.0, _fill("{T}和{RN}", end[0], pal, rng, theme=theme, hook=hook))
    pal.used_lines.add(best[1])
    return best[1]


def _title(pal: ZhPalette, rng: random.Random) -> str:
    if pal.themes:
        text = rng.choice(tpl.TITLES).replace("{T}", pal.themes[0].text)
    else:
        text = rng.choice(tpl.PLAIN_TITLES)
    for name, pool in (("{A}", pal.adjs), ("{N}", pal.nouns), ("{P}", pal.places)):
        text = text.replace(name, rng.choice(pool))
    return text


def write_chinese(
    idea: Idea, rng: random.Random, title: str | None = None, *, verse3: bool = False
) -> tuple[str, dict[str, Section]]:
    """A title and the parts of the song for a Chinese idea, by part name: "Verse",
    "Chorus", "Verse 2", "Bridge", "Outro" and, with ``verse3``, "Verse 3"."""
    pal = _palette(idea, rng)
    title = title or _title(pal, rng)
    hook = "".join(ch for ch in title if "\u3400" <= ch <= "\u9fff") or _title(pal, rng)
    themes: list[Theme | None] = list(pal.themes) or [None]
    cycle = [themes[i % len(themes)] for i in range(8)]
    v_target, c_target = rng.choice((8, 10)), rng.choice((8, 10))

    def section(
        templates: dict[str, tuple[str, ...]], target: int, slots: list[Theme | None]
    ) -> list[str]:
        ends = _pick_rhyme(pal, rng, len(slots))
        return [
            write_line(pal, rng, templates, e, target, theme=th)
            for e, th in zip(ends, slots, strict=True)
        ]

    verse1 = section(tpl.VERSE, v_target, [cycle[0], None, cycle[1], None])
    ends = _pick_rhyme(pal, rng, 5)
    chorus = [
        write_line(pal, rng, tpl.HOOK, ends[0], c_target, hook=hook),
        write_line(pal, rng, tpl.CHORUS, ends[1], c_target),
        write_line(pal, rng, tpl.CHORUS, ends[2], c_target, theme=cycle[1]),
        write_line(pal, rng, tpl.CHORUS, ends[3], c_target),
    ]
    verse2 = section(tpl.VERSE, v_target, [cycle[2], None, cycle[3], None])
    bridge = section(tpl.BRIDGE, v_target, [cycle[4], None])
    outro = [chorus[0], write_line(pal, rng, tpl.OUTRO, ends[4], c_target, theme=cycle[5])]
    parts = {"Verse": verse1, "Chorus": chorus, "Verse 2": verse2, "Bridge": bridge}
    parts["Outro"] = outro
    if verse3:
        parts["Verse 3"] = section(tpl.VERSE, v_target, [cycle[6], None, cycle[7], None])
    return title, {name: Section(name, lines) for name, lines in parts.items()}
