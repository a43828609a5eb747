"""Many collectivities at once: the official list and batch generation."""
