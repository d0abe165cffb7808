"""Media: serving clip files, including the audio stream that grows while a clip renders."""
