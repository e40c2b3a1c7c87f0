"""The curriculum knowledge bank: topic cards written by people, validated, composed by every tool.

A topic card (``corpora/bank/<subject>/kelas-<n>/<slug>.yaml``) holds what a teacher needs for one
chapter of a Kurikulum Merdeka student book: objectives, key concepts, misconceptions, worked
examples, activities with support and extension variants, a diagnostic question, a question bank
and success criteria. ``models`` is the schema, ``loader`` reads and finds cards, ``validate``
runs the schema and substance checks (the quiz's own checks on every bank item).
"""
