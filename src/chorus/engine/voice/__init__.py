"""The built-in singing voice.

``render_vocals(score, start, end, sr, store)`` sings the score's vocal notes of a time
range; ``Singer.get()`` is the process-wide piper voice it speaks with (loaded once, on
first use); a ``SpeechStore`` lets the renders of one song's clips speak each line once.

How: each lyric line is spoken by the piper "joe" voice (en-US; Chinese pinyin is spelled
with its English sounds), the model reporting where every phoneme lies; the WORLD vocoder
then re-times the frames onto the notes (consonants keep their length, vowels are held)
and resynthesizes them at the notes' pitch, with glides and vibrato.
"""

from chorus.engine.voice._piper import SAMPLE_RATE, Singer
from chorus.engine.voice._render import render_vocals
from chorus.engine.voice._store import SpeechStore

__all__ = ["SAMPLE_RATE", "Singer", "SpeechStore", "render_vocals"]
