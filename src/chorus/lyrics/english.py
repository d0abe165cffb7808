"""The English grammar: a themed palette, rhyming couplets and syllable-fitted lines.

A line is drawn from a template (``_templates_en``) whose last slot is a rhyme word; the
two lines of a couplet take two words from one rhyme group (cmudict decides what rhymes,
the candidate words are the common words of ``_vocab_en`` and the idea's own clusters).
Each line is drawn several times and the draw closest to the section's syllable target,
inside a 6-10 syllable window, is kept.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from chorus.lyrics import _templates_en as tpl
from chorus.lyrics._vocab_en import (
    CLUSTERS,
    DEFAULT_CLUSTERS,
    MOODS,
    RHYME_ADJS,
    RHYME_NOUNS,
    RHYME_VERBS,
    Cluster,
)
from chorus.lyrics.analysis import Idea, Theme
from chorus.lyrics.rhyme import line_syllables, rhyme_key, rhymes
from chorus.lyrics.song import Section

MIN_SYLLABLES, MAX_SYLLABLES = 6, 10
_DRAWS = 16
_SLOT = re.compile(r"\{(\w+)\}")
_AN = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])")
_DOUBLE_ING = frozenset({"debug", "begin", "compile"})


@dataclass(slots=True)
class Palette:
    """What one song is made of."""

    nouns: list[str]
    verbs: list[str]
    tverbs: list[str]
    adjs: list[str]
    places: list[str]
    themes: list[Theme]
    groups: dict[str, list[tuple[str, str]]]  # rhyme key -> [(word, "RN"|"RV"|"RA")]
    themed: set[str]
    used_ends: set[str] = field(default_factory=set)
    used_templates: set[str] = field(default_factory=set)
    used_lines: set[str] = field(default_factory=set)


def gerund(verb: str) -> str:
    """ "shine" -> "shining", "run" -> "running", "fly" -> "flying"."""
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"
    vowels = "aeiou"
    single_vowel_group = len(re.findall(r"[aeiou]+", verb)) == 1
    if verb in _DOUBLE_ING or (
        single_vowel_group
        and len(verb) >= 3
        and verb[-1] not in vowels + "wxy"
        and verb[-2] in vowels
        and verb[-3] not in vowels
    ):
        return verb + verb[-1] + "ing"
    return verb + "ing"


@cache
def _bank() -> tuple[tuple[str, str], ...]:
    words = [(w, "RN") for w in RHYME_NOUNS] + [(w, "RV") for w in RHYME_VERBS]
    words += [(w, "RA") for w in RHYME_ADJS]
    return tuple(dict.fromkeys(words))


def _palette(idea: Idea, rng: random.Random) -> Palette:
    by_name = {c.name: c for c in CLUSTERS}
    chosen: list[Cluster] = [by_name[n] for n in idea.clusters if n in by_name][:3]
    if len(chosen) < 2:
        extra = [n for n in DEFAULT_CLUSTERS if by_name[n] not in chosen]
        chosen += [by_name[n] for n in rng.sample(extra, 2 - len(chosen))]
    mood = next(m for m in MOODS if m.name == idea.mood)
    nouns = [w for c in chosen for w in c.nouns]
    verbs = [w for c in chosen for w in c.verbs]
    tverbs = [w for c in chosen for w in c.tverbs]
    adjs = list(mood.adjs) + [w for c in chosen for w in c.adjs]
    places = [w for c in chosen for w in c.places]
    themed: set[str] = set()
    entries = list(_bank())
    for c in chosen:
        for pool, pos in ((c.nouns, "RN"), (c.verbs, "RV"), (c.adjs, "RA")):
            for w in pool:
                if " " not in w:
                    entries.append((w, pos))
                    themed.add(w)
    entries += [(w, "RA") for w in mood.adjs]
    themed.update(mood.adjs)
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for word, pos in dict.fromkeys(entries):
        key = rhyme_key(word)
        if key is not None:
            groups[key].append((word, pos))
    return Palette(
        nouns=list(dict.fromkeys(nouns)),
        verbs=list(dict.fromkeys(verbs)),
        tverbs=list(dict.fromkeys(tverbs)),
        adjs=list(dict.fromkeys(adjs)),
        places=list(dict.fromkeys(places)),
        themes=list(idea.themes),
        groups=dict(groups),
        themed=themed,
    )


def theme_phrase(theme: Theme) -> str:
    """The theme as a noun phrase: "the dog", "Mars", "coding"."""
    if theme.kind in ("name", "mass", "adj"):
        return theme.text
    return f"the {theme.text}"


def _is_plural(theme: Theme) -> bool:
    w = theme.text
    return theme.kind == "noun" and w.endswith("s") and not w.endswith(("ss", "us", "is"))


def pick_couplet(pal: Palette, rng: random.Random) -> tuple[tuple[str, str], tuple[str, str]]:
    """Two rhyming end words (word, slot) not yet used in the song, themed ones preferred."""
    options: list[tuple[float, list[tuple[str, str]]]] = []
    for members in pal.groups.values():
        fresh = [m for m in members if m[0] not in pal.used_ends]
        distinct = {m[0] for m in fresh}
        if len(distinct) < 2:
            continue
        weight = 1.0 + 3.0 * sum(1 for w in distinct if w in pal.themed)
        options.append((weight, fresh))
    if not options:  # a long song used every group: allow repeats
        pal.used_ends.clear()
        return pick_couplet(pal, rng)
    for _ in range(8):
        members = rng.choices([o[1] for o in options], weights=[o[0] for o in options])[0]
        members = rng.sample(members, len(members))
        members.sort(key=lambda m: m[0] not in pal.themed)
        first = members[0]
        partners = [m for m in members if rhymes(m[0], first[0])]
        if partners:
            second = partners[0]
            pal.used_ends.update((first[0], second[0]))
            return first, second
    pal.used_ends.clear()
    return pick_couplet(pal, rng)


def _fill(
    template: str, end: str, pal: Palette, rng: random.Random, *, theme: Theme | None, hook: str
) -> str:
    taken: set[str] = {end}

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
            if t is None:
                return f"the {draw(pal.nouns)}"
            if t.kind == "adj":
                return f"the {t.text} {draw(pal.nouns)}"
            return theme_phrase(t)
        if name == "is":
            return "are" if t and _is_plural(t) else "is"
        if name == "H":
            return hook
        if name == "A" and t is not None and t.kind == "adj" and t.text not in taken:
            taken.add(t.text)
            return t.text
        pools = {"N": pal.nouns, "V": pal.verbs, "Vt": pal.tverbs, "A": pal.adjs, "P": pal.places}
        if name == "Ving":
            return gerund(draw(pal.verbs))
        return draw(pools[name])

    text = _AN.sub(lambda m: m.group(1) + "n ", _SLOT.sub(slot, template))
    return text[0].upper() + text[1:]


def write_line(
    pal: Palette,
    rng: random.Random,
    templates: dict[str, tuple[str, ...]],
    end: tuple[str, str],
    target: int,
    *,
    theme: Theme | None = None,
    hook: str = "",
) -> str:
    """The best of several draws for one line ending in ``end``."""
    pool = list(templates[end[1]])
    if theme is not None:
        needle = "{A}" if theme.kind == "adj" else "{T}"
        pool = [t for t in pool if needle in t or "{H}" in t] or pool
    best: tuple[float, str] | None = None
    for _ in range(_DRAWS):
        template = rng.choice(pool)
        line = _fill(template, end[0], pal, rng, theme=theme, hook=hook)
        if theme is not None and theme.text.lower() not in line.lower():
            continue
        count = line_syllables(line)
        score = abs(count - target) + (3.0 if not MIN_SYLLABLES <= count <= MAX_SYLLABLES else 0)
        score += 2.0 * (template in pal.used_templates) + 10.0 * (line in pal.used_lines)
        if best is None or score < best[0]:
            best = (score, line)
            chosen = template
    if best is None:  # the theme could not be placed by any draw: say it plainly
        line = _fill("{T} and the {RN}", end[0], pal, rng, theme=theme, hook=hook)
        best, chosen = (0.0, line), ""
    pal.used_templates.add(chosen)
    pal.used_lines.add(best[1])
    return best[1]


def _title(idea: Idea, pal: Palette, rng: random.Random) -> str:
    if pal.themes:
        t = pal.themes[0]
        text = rng.choice(tpl.TITLES).replace("{T}", t.text)
    else:
        text = rng.choice(tpl.PLAIN_TITLES)
    text = text.replace("{A}", rng.choice(pal.adjs)).replace("{N}", rng.choice(pal.nouns))
    small = {"in", "the", "and", "of", "for", "a", "to"}
    return " ".join(
        w if w[:1].isupper() else w if i and w.lower() in small else w.capitalize()
        for i, w in enumerate(text.split())
    )


def _sung_title(title: str, themes: list[Theme]) -> str:
    names = {t.text for t in themes if t.kind == "name"}
    words = title.split()
    return " ".join(
        w if w in names or (i == 0 and w.isupper()) else w.lower() for i, w in enumerate(words)
    )


def write_english(
    idea: Idea, rng: random.Random, title: str | None = None, *, verse3: bool = False
) -> tuple[str, dict[str, Section]]:
    """A title and the parts of the song for an English idea, by part name: "Verse",
    "Chorus", "Verse 2", "Bridge", "Outro" and, with ``verse3``, "Verse 3"."""
    pal = _palette(idea, rng)
    title = title or _title(idea, pal, rng)
    hook = _sung_title(title, pal.themes)
    themes = pal.themes or [None]  # type: ignore[list-item]
    cycle = [themes[i % len(themes)] for i in range(8)]
    v_target, c_target = rng.choice((7, 8, 9)), rng.choice((6, 7, 8))

    def quatrain(
        templates: dict[str, tuple[str, ...]], target: int, slots: list[Theme | None], scheme: str
    ) -> list[str]:
        a1, a2 = pick_couplet(pal, rng)
        b1, b2 = pick_couplet(pal, rng)
        ends = [a1, a2, b1, b2] if scheme == "AABB" else [a1, b1, a2, b2]
        return [
            write_line(pal, rng, templates, e, target, theme=th)
            for e, th in zip(ends, slots, strict=True)
        ]

    verse1 = quatrain(tpl.VERSE, v_target, [cycle[0], None, cycle[1], None], "AABB")
    a1, a2 = pick_couplet(pal, rng)
    b1, b2 = pick_couplet(pal, rng)
    chorus = [
        write_line(pal, rng, tpl.HOOK, a1, c_target + 1, hook=hook),
        write_line(pal, rng, tpl.CHORUS, a2, c_target),
        write_line(pal, rng, tpl.CHORUS, b1, c_target, theme=cycle[1]),
        write_line(pal, rng, tpl.CHORUS, b2, c_target),
    ]
    verse2 = quatrain(
        tpl.VERSE, v_target, [cycle[2], None, cycle[3], None], rng.choice(("AABB", "ABAB"))
    )
    c1, c2 = pick_couplet(pal, rng)
    bridge = [
        write_line(pal, rng, tpl.BRIDGE, c1, v_target, theme=cycle[4]),
        write_line(pal, rng, tpl.BRIDGE, c2, v_target),
    ]
    outro_end = next(
        (m for m in pal.groups.get(rhyme_key(a1[0]) or "", []) if m[0] not in pal.used_ends),
        None,
    )
    if outro_end is None:
        d1, d2 = pick_couplet(pal, rng)
        outro = [
            write_line(pal, rng, tpl.OUTRO, d1, c_target, theme=cycle[5]),
            write_line(pal, rng, tpl.OUTRO, d2, c_target),
        ]
    else:
        outro = [chorus[0], write_line(pal, rng, tpl.OUTRO, outro_end, c_target)]
    parts = {"Verse": verse1, "Chorus": chorus, "Verse 2": verse2, "Bridge": bridge}
    parts["Outro"] = outro
    if verse3:
        parts["Verse 3"] = quatrain(
            tpl.VERSE, v_target, [cycle[6], None, cycle[7], None], rng.choice(("AABB", "ABAB"))
        )
    return title, {name: Section(name, lines) for name, lines in parts.items()}
