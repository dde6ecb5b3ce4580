"""The sizes a campaign file may have: shared by both YAML readers (`read`, `exact`)."""

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
