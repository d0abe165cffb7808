"""Genre presets: the musical decisions a style tag stands for.

Grids are strings with one character per step; a bar of 4/4 has 16 steps (sixteenths), a
bar of 3/4 or 6/8 has 12. Drum rows: ``x`` a hit, ``o`` a soft (ghost) hit, ``.`` nothing.
Bass rows: ``x`` root, ``o`` root an octave up, ``5`` fifth, ``a`` a step leading to the
next chord's root. Comp rows: ``x`` strike the chord (held to the next strike), ``s`` a short
stab. Progressions are Roman numerals relative to the tonic's major scale, one per bar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Role = str  # "bass", "chords", "pad", "lead", "arp"

ROLES: tuple[Role, ...] = ("bass", "chords", "pad", "lead", "arp")


@dataclass(frozen=True, slots=True)
class DrumPattern:
    """One bar of drums. ``hat_note``/``snare_note`` pick the General MIDI drum sounds."""

    kick: str
    snare: str
    hat: str
    open_hat: str = ""
    hat_note: int = 42
    snare_note: int = 38


@dataclass(frozen=True, slots=True)
class Genre:
    """A genre preset. Tempo in beats per minute; ``meter`` beats per bar (6 = 6/8 counted
    in eighths); ``swing`` 0 (straight) to 1 (triplet feel) on ``swing_unit`` beats."""

    name: str
    keywords: tuple[str, ...]
    # Beats per minute; in 6/8 the beat is the eighth note.
    tempo: tuple[float, float]
    major: tuple[str, ...]
    minor: tuple[str, ...]
    programs: Mapping[Role, int]
    bass: str
    comp: str
    meter: int = 4
    swing: float = 0.0
    swing_unit: float = 0.5
    modes: tuple[str, ...] = ("major", "minor")
    verse_drums: DrumPattern | None = None
    chorus_drums: DrumPattern | None = None
    comp_mode: str = "chord"  # "chord", "strum" or "arp"
    energy: float = 0.5
    pentatonic: bool = False
    rap: bool = False
    levels: Mapping[Role, float] = field(
        default_factory=lambda: MappingProxyType(
            {"drums": 0.9, "bass": 0.85, "chords": 0.7, "pad": 0.45, "lead": 0.7, "arp": 0.5}
        )
    )

    @property
    def steps(self) -> int:
        """Grid steps per bar."""
        return 16 if self.meter == 4 else 12


def _p(**programs: int) -> Mapping[Role, int]:
    return MappingProxyType(programs)


_BACK = "....x.......x..."
_EIGHTS = "x.x.x.x.x.x.x.x."
_SIXTEENS = "xoxoxoxoxoxoxoxo"

_GENRE_LIST: tuple[Genre, ...] = (
    Genre(
        "pop",
        ("pop", "mainstream", "k-pop", "kpop", "j-pop", "c-pop", "mandopop", "流行", "华语"),
        (96, 124),
        ("I V vi IV", "vi IV I V", "I vi IV V", "IV I V vi", "I iii IV V"),
        ("i bVI bIII bVII", "i iv bVI bVII", "i bVII bVI bVII", "bVI bVII i i"),
        _p(bass=33, chords=0, pad=89, lead=27, arp=11),
        "x.....x.x.......",
        "x.....x.x...x...",
        verse_drums=DrumPattern("x.......x.x.....", _BACK, _EIGHTS),
        chorus_drums=DrumPattern("x.....x.x.x.....", _BACK, _SIXTEENS, "..............x."),
        energy=0.6,
    ),
    Genre(
        "rock",
        ("rock", "indie", "alternative", "grunge", "garage", "britpop", "摇滚", "独立"),
        (100, 140),
        ("I IV V IV", "I V vi IV", "I bVII IV I", "vi IV I V", "I IV vi V"),
        ("i bVII bVI bVII", "i bIII bVII iv", "i iv bVII i", "i bVI bVII i"),
        _p(bass=34, chords=29, pad=48, lead=30, arp=27),
        _EIGHTS,
        "x.x.x.x.x.x.x.x.",
        verse_drums=DrumPattern("x.......x.x.....", _BACK, _EIGHTS),
        chorus_drums=DrumPattern("x.x.....x.x.....", _BACK, _EIGHTS, hat_note=51),
        comp_mode="strum",
        energy=0.7,
    ),
    Genre(
        "punk",
        ("punk", "pop punk", "pop-punk", "hardcore", "emo", "skate", "朋克"),
        (150, 190),
        ("I V vi IV", "I IV V V", "I V IV V", "vi IV I V"),
        ("i bVI bIII bVII", "i bVII bVI bVII", "i iv bVI bVII"),
        _p(bass=34, chords=30, pad=48, lead=30, arp=29),
        _EIGHTS,
        "x.x.x.x.x.x.x.x.",
        verse_drums=DrumPattern("x.......x.......", _BACK, _EIGHTS),
        chorus_drums=DrumPattern("x...x...x...x...", "..x...x...x...x.", _EIGHTS, hat_note=49),
        energy=0.85,
    ),
    Genre(
        "metal",
        ("metal", "heavy metal", "metalcore", "thrash", "djent", "金属", "重金属"),
        (120, 170),
        ("i bVI bVII i", "i bII i bVII", "i iv bVI V"),
        ("i bVI bVII i", "i bII i bVII", "i iv bVI V", "i bVII bVI V"),
        _p(bass=34, chords=30, pad=48, lead=30, arp=29),
        "x.x.x.x.x.x.x.x.",
        "x.x.x.x.x.x.x.x.",
        modes=("minor", "phrygian"),
        verse_drums=DrumPattern("x.x.x.x.x.x.x.x.", _BACK, "x...x...x...x...", hat_note=51),
        chorus_drums=DrumPattern("xxxxxxxxxxxxxxxx", _BACK, "x...x...x...x...", hat_note=49),
        energy=0.9,
    ),
    Genre(
        "folk",
        ("folk", "acoustic", "singer-songwriter", "americana", "campfire", "民谣", "木吉他"),
        (84, 116),
        ("I IV I V", "I V vi IV", "I IV vi V", "vi IV I V", "I iii IV I"),
        ("i bVII bVI bVII", "i iv i bVII", "i bIII bVII i"),
        _p(bass=32, chords=25, pad=48, lead=73, arp=24),
        "x.......5.......",
        "x.x.x.xxx.x.x.xx",
        verse_drums=DrumPattern(
            "x.......x.......", "....o.......o...", "..x...x...x...x.", snare_note=37
        ),
        chorus_drums=DrumPattern("x.......x.x.....", _BACK, _EIGHTS, hat_note=54),
        comp_mode="strum",
        energy=0.45,
    ),
    Genre(
        "ballad",
        ("ballad", "piano ballad", "power ballad", "抒情", "情歌"),
        (64, 84),
        ("I V vi IV", "I vi IV V", "IV V iii vi", "I iii vi IV", "vi IV I V"),
        ("i bVI bIII bVII", "i iv bVII bIII", "bVI bVII i i"),
        _p(bass=33, chords=0, pad=49, lead=40, arp=46),
        "x.......x.......",
        "x...x...x...x...",
        verse_drums=DrumPattern(
            "x.......x.......", "....o.......o...", "x.x.x.x.x.x.x.x.", snare_note=37
        ),
        chorus_drums=DrumPattern("x.......x.x.....", _BACK, _EIGHTS),
        comp_mode="arp",
        energy=0.4,
    ),
    Genre(
        "hiphop",
        ("hip hop", "hip-hop", "hiphop", "rap", "trap", "boom bap", "drill", "说唱", "嘻哈"),
        (82, 100),
        ("vi IV I V", "ii V I vi", "I vi ii V"),
        ("i bVI bVII i", "i iv i bVI", "i bVI iv V", "i i bVI bVII"),
        _p(bass=38, chords=4, pad=89, lead=81, arp=11),
        "x......x.x......",
        "x.......x.......",
        swing=0.35,
        swing_unit=0.25,
        modes=("minor", "dorian"),
        verse_drums=DrumPattern("x......x.x......", _BACK, _EIGHTS),
        chorus_drums=DrumPattern("x......x.xx.....", _BACK, "xxxxxxxxxxxxxxxx", snare_note=39),
        energy=0.65,
        rap=True,
    ),
    Genre(
        "lofi",
        ("lofi", "lo-fi", "lo fi", "lofi hip hop", "chillhop", "study beats", "低保真"),
        (70, 90),
        ("ii7 V7 Imaj7 vi7", "Imaj7 vi7 ii7 V7", "IVmaj7 iii7 ii7 Imaj7"),
        ("i7 iv7 bVImaj7 v7", "i7 bVImaj7 iv7 bVII7", "ii7 v7 i7 i7"),
        _p(bass=32, chords=4, pad=89, lead=11, arp=8),
        "x......x..x.....",
        "x.........x.....",
        swing=0.5,
        swing_unit=0.25,
        modes=("major", "dorian", "minor"),
        verse_drums=DrumPattern("x......x..x.....", _BACK, _EIGHTS),
        chorus_drums=DrumPattern("x......x..x..x..", _BACK, _EIGHTS, "..............x."),
        energy=0.4,
    ),
    Genre(
        "rnb",
        ("r&b", "rnb", "soul", "neo soul", "neo-soul", "节奏布鲁斯", "灵魂乐"),
        (66, 96),
        ("Imaj7 vi7 ii7 V7", "IVmaj7 iii7 vi7 ii7", "ii7 V7 iii7 vi7"),
        ("i7 iv7 bVII7 bIIImaj7", "i7 bVImaj7 iv7 v7", "ii7 v7 i7 bVImaj7"),
        _p(bass=38, chords=4, pad=89, lead=65, arp=11),
        "x......x..x..5..",
        "x.....x...x.....",
        swing=0.25,
        swing_unit=0.25,
        verse_drums=DrumPattern("x......x..x.....", _BACK, "x.xxx.x.x.xxx.x."),
        chorus_drums=DrumPattern("x......xx.x.....", _BACK, "x.xxx.x.x.xxx.x.", snare_note=39),
        energy=0.5,
    ),
    Genre(
        "jazz",
        ("jazz", "swing", "bebop", "big band", "cool jazz", "爵士"),
        (100, 160),
        ("ii7 V7 Imaj7 vi7", "Imaj7 vi7 ii7 V7", "iii7 vi7 ii7 V7", "Imaj7 IV7 iii7 vi7"),
        ("ii7 V7 i7 i7", "i7 iv7 bVII7 bIIImaj7", "i7 bVImaj7 ii7 V7"),
        _p(bass=32, chords=0, pad=48, lead=65, arp=11),
        "x...5...x...a...",
        "x.....x.........",
        swing=0.9,
        verse_drums=DrumPattern(
            "o...o...o...o...", "....o.......o...", "x...x.x.x...x.x.", hat_note=51, snare_note=37
        ),
        chorus_drums=DrumPattern(
            "o...o...o...o...", "......o.....o.o.", "x...x.x.x...x.x.", hat_note=51
        ),
        energy=0.5,
    ),
    Genre(
        "blues",
        ("blues", "delta blues", "blues rock", "shuffle", "蓝调", "布鲁斯"),
        (72, 120),
        ("I7 IV7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7", "I7 I7 IV7 I7 V7 IV7 I7 V7"),
        ("i7 iv7 i7 i7 iv7 iv7 i7 i7 V7 iv7 i7 V7", "i7 iv7 i7 V7"),
        _p(bass=33, chords=26, pad=16, lead=29, arp=0),
        "x...5...o...5...",
        "x...x...x...x...",
        swing=1.0,
        modes=("major", "minor", "mixolydian"),
        verse_drums=DrumPattern("x.......x.......", _BACK, _EIGHTS),
        chorus_drums=DrumPattern("x.....x.x.......", _BACK, _EIGHTS, hat_note=51),
        energy=0.55,
    ),
    Genre(
        "country",
        ("country", "bluegrass", "honky tonk", "western", "nashville", "乡村"),
        (90, 130),
        ("I IV I V", "I V IV I", "I IV V I", "I vi IV V"),
        ("i bVII bVI bVII", "i iv bVII i"),
        _p(bass=32, chords=25, pad=22, lead=110, arp=105),
        "x.......5.......",
        "x...x.x.x...x.x.",
        verse_drums=DrumPattern("x.......x.......", "....x.......x...", _EIGHTS, snare_note=37),
        chorus_drums=DrumPattern("x.......x.x.....", _BACK, _EIGHTS),
        comp_mode="strum",
        energy=0.55,
    ),
    Genre(
        "edm",
        (
            "edm",
            "electronic",
            "dance",
            "house",
            "techno",
            "trance",
            "dubstep",
            "club",
            "disco",
            "电子",
            "舞曲",
        ),
        (120, 130),
        ("vi IV I V", "I V vi IV", "IV V vi vi"),
        ("i bVI bIII bVII", "i bVII bVI bVII", "i iv bVI bVII"),
        _p(bass=38, chords=81, pad=90, lead=80, arp=81),
        ".o.o.o.o.o.o.o.o",
        "..s...s...s...s.",
        verse_drums=DrumPattern(
            "x...x...x...x...", "....x.......x...", "..x...x...x...x.", snare_note=39
        ),
        chorus_drums=DrumPattern(
            "x...x...x...x...",
            "....x.......x...",
            "xxxxxxxxxxxxxxxx",
            "..x...x...x...x.",
            snare_note=39,
        ),
        energy=0.8,
    ),
    Genre(
        "synthpop",
        (
            "synth pop",
            "synthpop",
            "synth-pop",
            "synthwave",
            "retrowave",
            "80s",
            "new wave",
            "electropop",
            "合成器",
        ),
        (100, 124),
        ("I V vi IV", "vi IV I V", "IV V vi I", "I iii IV V"),
        ("i bVI bIII bVII", "i bVII bVI V", "i iv bVI bVII"),
        _p(bass=38, chords=81, pad=88, lead=80, arp=81),
        "xoxoxoxoxoxoxoxo",
        "x...x...x...x...",
        verse_drums=DrumPattern("x...x...x...x...", _BACK, _EIGHTS),
        chorus_drums=DrumPattern("x...x...x...x...", _BACK, _SIXTEENS, "..x...x...x...x."),
        comp_mode="chord",
        energy=0.7,
    ),
    Genre(
        "reggae",
        ("reggae", "ska", "dancehall", "dub", "雷鬼"),
        (70, 96),
        ("I IV I V", "I V IV IV", "ii V I I"),
        ("i iv i bVII", "i bVII i iv"),
        _p(bass=33, chords=16, pad=18, lead=26, arp=27),
        "x.....x...5.x...",
        "..s...s...s...s.",
        verse_drums=DrumPattern("........x.......", "........x.......", _EIGHTS, snare_note=37),
        chorus_drums=DrumPattern("x.......x.......", "....x.......x...", _EIGHTS, snare_note=37),
        energy=0.55,
    ),
    Genre(
        "funk",
        ("funk", "funky", "groove", "motown", "放克"),
        (96, 118),
        ("I7 IV7 I7 IV7", "ii7 V7 ii7 V7", "I7 I7 IV7 bVII7"),
        ("i7 iv7 i7 iv7", "i7 i7 bVII7 iv7"),
        _p(bass=36, chords=28, pad=61, lead=66, arp=28),
        "x..o..x.5.x..a..",
        "..s..s.s..s..s.s",
        modes=("mixolydian", "dorian"),
        verse_drums=DrumPattern("x.x...x..x......", "....x..o.o..x..o", _SIXTEENS),
        chorus_drums=DrumPattern(
            "x.x...x..x.x....", "....x..o.o..x..o", _SIXTEENS, "..............x."
        ),
        energy=0.75,
    ),
    Genre(
        "classical",
        (
            "classical",
            "orchestral",
            "symphonic",
            "baroque",
            "string quartet",
            "piano solo",
            "古典",
            "交响",
        ),
        (66, 110),
        ("I IV V I", "I vi IV V", "I ii V I", "IV V iii vi"),
        ("i iv V i", "i bVI iv V", "i iv bVII bIII"),
        _p(bass=42, chords=48, pad=49, lead=40, arp=46),
        "x.......x.......",
        "x.......x.......",
        comp_mode="arp",
        energy=0.4,
    ),
    Genre(
        "ambient",
        ("ambient", "drone", "new age", "meditation", "atmospheric", "spa", "氛围", "冥想"),
        (60, 80),
        ("Imaj7 Imaj7 IVmaj7 IVmaj7", "I V vi IV", "vi7 vi7 IVmaj7 IVmaj7"),
        ("i7 i7 bVImaj7 bVImaj7", "i bVI bIII bVII"),
        _p(bass=38, chords=88, pad=89, lead=75, arp=46),
        "x...............",
        "x...............",
        modes=("major", "minor", "dorian"),
        energy=0.25,
    ),
    Genre(
        "bossa",
        ("bossa", "bossa nova", "latin", "samba", "salsa", "tropical", "波萨"),
        (110, 140),
        ("Imaj7 ii7 V7 Imaj7", "ii7 V7 Imaj7 vi7", "Imaj7 IV7 iii7 vi7"),
        ("i7 iv7 V7 i7", "ii7 V7 i7 bVImaj7"),
        _p(bass=32, chords=24, pad=48, lead=73, arp=24),
        "x..5x...x..5x...",
        "x..x..x...x..x..",
        verse_drums=DrumPattern(
            "x..xx..xx..xx..x", "x..x..x...x..x..", "xxxxxxxxxxxxxxxx", hat_note=70, snare_note=37
        ),
        chorus_drums=DrumPattern(
            "x..xx..xx..xx..x", "x..x..x...x..x..", "xxxxxxxxxxxxxxxx", hat_note=54, snare_note=37
        ),
        energy=0.5,
    ),
    Genre(
        "waltz",
        ("waltz", "3/4", "minuet", "华尔兹", "圆舞曲"),
        (84, 150),
        ("I IV V I", "I vi ii V", "I V V I"),
        ("i iv V i", "i bVI iv V"),
        _p(bass=32, chords=0, pad=48, lead=40, arp=46),
        "x.......5...",
        "....x...x...",
        meter=3,
        verse_drums=DrumPattern("x...........", "....o...o...", "x...x...x...", snare_note=37),
        chorus_drums=DrumPattern("x...........", "....x...x...", "x.x.x.x.x.x."),
        energy=0.45,
    ),
    Genre(
        "celtic",
        ("celtic", "irish", "scottish", "jig", "shanty", "sea shanty", "6/8", "凯尔特"),
        (200, 300),
        ("I IV I V", "I bVII I V", "I V vi IV"),
        ("i bVII i bVII", "i bIII bVII i"),
        _p(bass=32, chords=25, pad=109, lead=72, arp=46),
        "x.....5.....",
        "x...x.x...x.",
        meter=6,
        modes=("major", "dorian", "mixolydian"),
        verse_drums=DrumPattern("x...........", "......o.....", "x...x.x...x.", snare_note=37),
        chorus_drums=DrumPattern("x.....x.....", "......x.....", "x.x.x.x.x.x.", hat_note=54),
        comp_mode="strum",
        energy=0.6,
    ),
    Genre(
        "cinematic",
        (
            "cinematic",
            "soundtrack",
            "film score",
            "trailer",
            "orchestral epic",
            "game music",
            "电影",
            "史诗",
            "配乐",
        ),
        (70, 110),
        ("vi IV I V", "I V vi IV", "IV I V vi"),
        ("i bVI bIII bVII", "i bVI iv V", "i bVII bVI bVII"),
        _p(bass=43, chords=48, pad=52, lead=60, arp=45),
        "x.......x.......",
        "x.......x.......",
        modes=("minor", "major"),
        verse_drums=DrumPattern("x.......x.......", "................", "", snare_note=47),
        chorus_drums=DrumPattern(
            "x.....x.x.......", "....x.......x...", "", "x...............", snare_note=50
        ),
        comp_mode="arp",
        energy=0.6,
    ),
    Genre(
        "chinese",
        ("chinese", "guofeng", "oriental", "guzheng", "中国风", "古风", "国风", "戏腔"),
        (70, 100),
        ("I V vi iii IV I IV V", "vi IV V I", "I vi IV V", "IV V iii vi"),
        ("i bVII bVI bVII", "i iv bVII bIII"),
        _p(bass=33, chords=107, pad=49, lead=73, arp=107),
        "x.......x.......",
        "x.x.x.x.x.x.x.x.",
        verse_drums=DrumPattern(
            "x.......x.......", "....o.......o...", "..x...x...x...x.", snare_note=37
        ),
        chorus_drums=DrumPattern("x.......x.x.....", _BACK, _EIGHTS),
        comp_mode="arp",
        energy=0.5,
        pentatonic=True,
    ),
)

GENRE_PRESETS: Mapping[str, Genre] = MappingProxyType({g.name: g for g in _GENRE_LIST})
