"""Clip acts: word timings and the waveform of a clip (``/suno/act/...``)."""
