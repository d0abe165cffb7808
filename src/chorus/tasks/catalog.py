"""Model versions (``mv``) the API accepts, and how each is named in a Suno clip."""

from __future__ import annotations

DEFAULT_MV = "chirp-v3-5"

# mv -> (model_name, major_model_version) as Suno reports them on a clip.
MODEL_VERSIONS: dict[str, tuple[str, str]] = {
    "chirp-v3-0": ("chirp-v3", "v3"),
    "chirp-v3-5": ("chirp-v3", "v3.5"),
    "chirp-v4": ("chirp-v4", "v4"),
    "chirp-v4-5": ("chirp-v4-5", "v4.5"),
    "chirp-v4-5-plus": ("chirp-v4-5-plus", "v4.5+"),
    "chirp-v5": ("chirp-v5", "v5"),
    "chirp-auk": ("chirp-auk", "v4.5"),
    "chirp-bluejay": ("chirp-bluejay", "v4.5+"),
    "chirp-crow": ("chirp-crow", "v5"),
    "suno-v3": ("chirp-v3", "v3"),
    "suno-v3.5": ("chirp-v3", "v3.5"),
    "suno-v4": ("chirp-v4", "v4"),
    "suno-v4.5": ("chirp-v4-5", "v4.5"),
}


def model_names(mv: str) -> tuple[str, str]:
    return MODEL_VERSIONS.get(mv, MODEL_VERSIONS[DEFAULT_MV])
