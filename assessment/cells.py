"""Cells of an uploaded sheet read the way a person means them: shared by the two parsers of
uploads, the respondent list (respondent_list.py) and imported responses (responses_io.py).
The files themselves are read by upload_reader.py; problems are reported through errors.py.
"""

import unicodedata


def cell_norm(value):
    """Compare cells the way a person reads them: full-width forms, case and edge spaces ignored."""
    if value is None or (isinstance(value, float) and value != value):  # NaN from an empty Excel cell
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


def department_lookup(departments):
    """{normalised alias: {keys}} of (key, name_en, name_ja) rows; keys win over names, so a key
    can never be ambiguous."""
    by_key, by_name = {}, {}
    for key, name_en, name_ja in departments:
        by_key[cell_norm(key)] = {key}
        for name in (name_en, name_ja):
            if cell_norm(name):
                by_name.setdefault(cell_norm(name), set()).add(key)
    return {**by_name, **by_key}
