"""The built-in song engine: a pure library from a song request to finished files.

No HTTP and no database in here. The public surface::

    from chorus.engine import SongRequest, render_song
    result = render_song(SongRequest(tags="acoustic folk", lyrics=...), out_dir, on_progress)

The stages, each a module of pure functions: ``styles`` (tags to a genre preset),
``lyrics`` (text to sections and syllables), ``compose`` (request to :class:`Score`),
``instruments`` (score to band audio), ``voice`` (score to sung audio), ``mix``
(stems to a mastered stereo mix), ``encode`` / ``cover`` / ``video`` (files), and
``render`` which runs them section by section and reports progress.
"""

from chorus.engine.request import Continuation, EngineRequestError, SongRequest
from chorus.engine.score import Score

__all__ = ["Continuation", "EngineRequestError", "Score", "SongRequest"]
