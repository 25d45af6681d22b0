"""Checking a test campaign's report against the code (SPEC §12, `testaudit verify`).

A report is read in stages, each a pure function over frozen dataclasses:

1. reading (`reading.read_report`): the Markdown is parsed with markdown-it-py into sections
   (the heading tree) and units (headings, paragraphs, list items, table rows read by header
   name, file trees, command and log blocks), after mojibake is repaired line by line so that
   every unit keeps the line number it has in the original text;
2. mentions (`mentions.file_mentions`): every Python file the report names, with the directory
   that should disambiguate a bare basename;
3. claims (`claims.extract_claims`): the sentences that say something checkable, one kind of
   SPEC §12's table each, with the value claimed and how far the claim reaches (its unit, its
   section or the whole report).

Those stages need no engine and import nothing from testaudit outside this package. Modules:
`document` (Report, Section, Unit), `mojibake`, `trees` (file listings), `reading`, `mentions`,
`phrases` (the configurable phrase lists), `context` (sentences, clauses, section roles),
`drafting` (what the extractors share), `counts` and `structured` (counts in prose, tables and
trees), `statements` (the other kinds) and `claims`.

Resolving mentions against the project, measuring what each claim is about and giving verdicts
are later stages, built on the check's engine.
"""
