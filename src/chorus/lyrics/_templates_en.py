"""English line templates, by section and by the part of speech of the rhyming end word.

Slots: {T} a theme of the idea as a noun phrase, {is} the verb agreeing with it, {H} the
title as sung, {N} an image noun (templates write its article), {A} an adjective, {V} an
intransitive verb, {Vt} a transitive verb, {Ving} a gerund, {P} a place phrase; the end
slot {RN}/{RV}/{RA} is the rhyme word (noun after "the", verb in base form, adjective).
Verbs never follow a third-person subject directly ("the moon will shine", "watch the
moon shine"), so no template needs to conjugate.
"""

from __future__ import annotations

VERSE: dict[str, tuple[str, ...]] = {
    "RN": (
        "I walk {P} to find the {RN}",
        "{T} and I beneath the {RN}",
        "there's a {A} {N} in the {RN}",
        "we were {Ving} under the {RN}",
        "every {N} remembers the {RN}",
        "you and me and the {A} {RN}",
        "I left my {N} by the {RN}",
        "the {A} {N} and the {RN}",
        "I {Vt} {T} through the {RN}",
        "holding {T} close in the {RN}",
        "with {T} I found the {RN}",
        "I still remember {T} and the {RN}",
        "{Ving} through the {A} {RN}",
        "{P} we waited for the {RN}",
        "a {A} {N} across the {RN}",
        "I wrote {T} on the {RN}",
    ),
    "RV": (
        "and the {N} begins to {RV}",
        "{P} I watch the {N} {RV}",
        "let the {A} {N} {RV}",
        "with {T} we learn to {RV}",
        "{P} I just want to {RV}",
        "tonight the {N} will {RV}",
        "I can feel the {N} {RV}",
        "{T} taught me how to {RV}",
        "hand in hand we {RV}",
        "so I {Vt} the {N} and {RV}",
        "I {Vt} {T} and {RV}",
        "and the {A} {N} will {RV}",
    ),
    "RA": (
        "and the {N} is {RA}",
        "{P} the {N} is {RA}",
        "{T} {is} {A} and {RA}",
        "every night with {T} feels {RA}",
        "{Ving} {P} I feel {RA}",
        "tell me why the {N} is {RA}",
        "everything we {Vt} is {RA}",
        "the {N} was never so {RA}",
        "with {T} the world is {RA}",
        "and {T} {is} {RA}",
    ),
}

HOOK: dict[str, tuple[str, ...]] = {
    "RN": (
        "{H}, we {V} till the {RN}",
        "oh {H}, take me to the {RN}",
        "{H}, you are my {RN}",
        "{H}, we own the {RN}",
        "{H} {P} and the {RN}",
    ),
    "RV": (
        "{H}, come on and {RV}",
        "oh {H}, we {V} and {RV}",
        "{H}, we were born to {RV}",
        "{H}, let it {RV}",
    ),
    "RA": (
        "{H}, we're {A} and {RA}",
        "oh {H}, {A} and {RA}",
        "{H}, forever {RA}",
        "{H}, we feel so {RA}",
    ),
}

CHORUS: dict[str, tuple[str, ...]] = {
    "RN": (
        "we {V} {P}, we own the {RN}",
        "{T}, you are the {RN}",
        "hold on to {T} and the {RN}",
        "{Ving} like the {A} {RN}",
        "all we need is {T} and the {RN}",
        "light up the {N} and the {RN}",
        "sing it to the {A} {RN}",
    ),
    "RV": (
        "so come on, come on and {RV}",
        "all night long we {RV}",
        "with {T} we {V} and {RV}",
        "we will {V}, we will {RV}",
        "{P} we {RV}",
        "and we never stop, we {RV}",
    ),
    "RA": (
        "with {T} I feel so {RA}",
        "tonight we are {A} and {RA}",
        "{P} we feel {RA}",
        "{T} {is} {RA}",
        "oh the {N} is {A} and {RA}",
    ),
}

BRIDGE: dict[str, tuple[str, ...]] = {
    "RN": (
        "maybe {T} was the {RN}",
        "somewhere {P} there's a {RN}",
        "and if I lose the {N} and the {RN}",
        "I would give it all for the {RN}",
        "I keep {T} like a {A} {RN}",
    ),
    "RV": (
        "and if the {N} should {RV}",
        "if I lose the {N}, I'll still {RV}",
        "when it's over, we will {RV}",
        "even {T} will {RV}",
    ),
    "RA": (
        "when the {N} is {RA}",
        "will you {Vt} me when the {N} is {RA}",
        "and if {T} {is} {RA}",
        "one day the {N} will be {RA}",
    ),
}

OUTRO: dict[str, tuple[str, ...]] = {
    "RN": ("and we {V} into the {RN}", "{T}, and the {RN}", "one more night in the {RN}"),
    "RV": ("and the {N} will {RV}", "{T}, we {RV}", "and slowly we {RV}"),
    "RA": ("till the {A} {N} is {RA}", "{T}, forever {RA}", "and the night is {RA}"),
}

TITLES: tuple[str, ...] = (
    "{T} Tonight",
    "{A} {T}",
    "{T} and the {N}",
    "{T}",
    "Midnight {T}",
    "{T} in the {N}",
    "Song for {T}",
    "{T} Forever",
)
# Titles when the idea names no theme.
PLAIN_TITLES: tuple[str, ...] = ("{A} {N}", "The {A} {N}", "{N} Tonight", "Under the {N}")
