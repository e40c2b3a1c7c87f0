"""Lesson plans grounded in the curriculum: Modul Ajar, Pembelajaran Mendalam, RPP ringkas, English plan.

``models`` holds the request and the four formats, ``formats`` the section layout of each format,
``generate`` writes a plan section by section, ``checks`` judges it with deterministic code and
``export`` turns it into DOCX, Markdown or JSON.
"""
