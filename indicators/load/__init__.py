"""load: raw file -> validated counts. The readers (tables, GENESIS, BA, boundaries), German parsing,
the upload checks, the file-kind decision, and the shipped sources (published figures, Ruhr, demo)."""
