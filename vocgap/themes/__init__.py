"""The coding frame of a study in the database: verbatims read, themes proposed and edited, codes
suggested, reviewed, exported and imported. The text work itself is ``vocgap.verbatims``."""
