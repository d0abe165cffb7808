"""The lyrics writer: from a one-line idea to a title, style tags and structured lyrics.

Two writers share one result type, :class:`WrittenSong`:

* :func:`write_song` / :func:`lyrics_from_title` — the built-in writer. Pure, offline,
  deterministic in (idea, seed). It reads the idea's theme words, theme clusters (night,
  city, love, sea, cat, code...), mood, genre and voice, writes Suno-like tags in the genre
  words the engine understands, and builds lyrics from a generative grammar: line templates
  whose slots take the theme words and a themed vocabulary, end words chosen in rhyming
  pairs, each line drawn several times and fitted to a syllable target.
  Sections: ``[Verse]``, ``[Chorus]``, ``[Verse 2]``, ``[Chorus]``, ``[Bridge]``,
  ``[Chorus]``, ``[Outro]``; the chorus repeats word for word. Given a :class:`Fit` (the
  song's duration and style), the lyrics take the longest form the engine sings whole in
  that song (``fit.py``): a chorus for a 20 s clip, verse and chorus for 30-60 s, the full
  form around two minutes and a third verse and chorus beyond.
* :class:`LlmWriter` — any OpenAI-compatible chat API, built by :func:`writer_from_settings`
  when ``CHORUS_LLM_BASE_URL``, ``CHORUS_LLM_API_KEY`` and ``CHORUS_LLM_MODEL`` are set.
  Upstream trouble never raises: the built-in writer answers and ``note`` says why. It is
  asked for the sections that fit the song, and a longer answer is cut to fit the same way.

Language: an idea containing Chinese characters is answered with Chinese lyrics, because
users who write their idea in Chinese want to hear Chinese sung. Chinese lines have one
character per sung syllable (no punctuation or Latin letters in sung lines), an even
number of characters (8 or 10 most often), and rhyme by the pinyin final of the last
character (grouped into the traditional rhyme classes, e.g. an/ian/uan). English lines
keep to 6-10 syllables and rhyme by the CMU pronouncing dictionary. The theme words of
the idea (Chinese words for a Chinese idea) appear in the lyrics.
"""

from __future__ import annotations

from chorus.lyrics.builtin import lyrics_from_title, write_song
from chorus.lyrics.fit import Fit
from chorus.lyrics.llm import LlmWriter, writer_from_settings
from chorus.lyrics.model import WrittenSong

__all__ = [
    "Fit",
    "LlmWriter",
    "WrittenSong",
    "lyrics_from_title",
    "write_song",
    "writer_from_settings",
]
