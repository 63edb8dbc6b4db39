"""Parsing an uploaded respondent list (e-mail, name, role group, department), without the database.

`respondent_list_parse` takes plain data (the header, the rows as lists of cells, the
organisation's departments, the accepted role labels, the e-mails already invited) and returns
the rows to import plus every problem found, so each rule is unit-testable on its own. Cells
are compared the way `responses_io` compares them (full-width forms, case and edge spaces
ignored), so one spreadsheet convention works for both imports.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .cells import cell_norm as _norm
from .cells import department_lookup as _department_lookup
from .errors import ApplicationError
from .models import RoleGroup

EMAIL_MAX_LENGTH = 254  # Invitation.email is a default EmailField
NAME_MAX_LENGTH = 200

# Normalised header text -> column. People write "Role group", "role_group", "E-mail" or the
# Japanese headings of their own HR export, so a few spellings of each are accepted.
HEADER_ALIASES = {
    "email": "email",
    "e mail": "email",
    "mail": "email",
    "メール": "email",
    "メールアドレス": "email",
    "name": "name",
    "氏名": "name",
    "名前": "name",
    "role group": "role_group",
    "role": "role_group",
    "役割": "role_group",
    "department": "department",
    "部署": "department",
}
COLUMNS = ("email", "name", "role_group", "department")


class RespondentListError(ApplicationError):
    """The file cannot be imported; `problems` lists every reason, one line each.

    `unknown_departments`: the department names the file uses that do not exist yet;
    `creatable`: creating exactly those would make the file import.
    """

    def __init__(self, problems, *, unknown_departments=(), creatable=False):
        super().__init__(problems=problems, capped=True)
        self.unknown_departments = list(unknown_departments)
        self.creatable = creatable


def _header(text):
    # "Role_Group", "ROLE-GROUP" and "role  group" are the same heading.
    return re.sub(r"[\s_\-]+", " ", _norm(text)).strip()


def _line(line, problem):
    return _("line %(line)d: %(problem)s") % {"line": line, "problem": problem}


def _shown(cell):
    return str(cell).strip()


def role_labels_for(*, profile_options, code_labels):
    """{label: role key} from the framework file's role options and the labels in code.

    The framework's labels are long ("経営層（社長・CEO、取締役…）"); the part before the
    bracket is accepted too, since that is what people type.
    """
    labels = {}
    for option in profile_options or []:
        key = option.get("key")
        if key not in RoleGroup.values:
            continue
        for text in (option.get("short") or {}).values():  # 1.1's short labels (管理職, Managers)
            if text:
                labels.setdefault(text, key)
        for text in (option.get("label") or {}).values():
            if text:
                labels[text] = key
                short = re.split(r"[（(]", text, maxsplit=1)[0].strip()
                if short:
                    labels.setdefault(short, key)
    for label, key in code_labels:
        labels.setdefault(label, key)
    return labels


def _columns(header):
    """({column: index}, indexes with a heading, problems) for the header row (line 1)."""
    found, headed, problems = {}, set(), []
    for index, cell in enumerate(header):
        text = _header(cell)
        if text == "" or text.startswith("unnamed:"):
            continue  # no heading (pandas names it "Unnamed: n"); its cells must be empty
        headed.add(index)
        # pandas renames a repeated heading "email" to "email.1"
        column = HEADER_ALIASES.get(text) or HEADER_ALIASES.get(re.sub(r"\.\d+$", "", text))
        if column is None:
            problems.append(_line(1, _("unknown column %(name)r") % {"name": _shown(cell)}))
        elif column in found:
            problems.append(_line(1, _("column %(name)r appears twice") % {"name": _shown(header[found[column]])}))
        else:
            found[column] = index
    if "email" not in found:
        problems.append(_line(1, _("the column “email” is missing")))
    return found, headed, problems


def respondent_list_parse(*, header, records, departments, role_labels, invited_emails=(), version_roles=None):
    """Validate a respondent list; returns (rows, problems).

    `header`: the first line's cells; `records`: the following lines as lists of cells (record
    i is file line i + 2, blank lines included so the numbers match what people see);
    `departments`: (key, name_en, name_ja) of the organisation's departments; `role_labels`:
    {label: role key}; `invited_emails`: e-mails already invited to the campaign; `version_roles`:
    the role keys of the campaign's questionnaire version (None: any), since a 1.0 campaign has no
    middle managers or business-unit heads to ask.

    Each row is {"line", "email", "name", "role_group" (key or ""), "department" (key or
    None)}. Role and department may be left blank: the respondent is then asked. Rows are
    only meaningful when there are no problems.
    """
    columns, headed, problems = _columns(header)
    roles = {_norm(key): key for key in RoleGroup.values}
    roles |= {_norm(label): key for label, key in role_labels.items()}
    department_keys = _department_lookup(departments)
    already_invited = {_norm(email) for email in invited_emails}
    first_line = {}  # normalised e-mail -> line it first appeared on

    rows = []
    for index, record in enumerate(records):
        line = index + 2
        if all(_norm(cell) == "" for cell in record):
            continue
        cells = {column: record[i] if i < len(record) else "" for column, i in columns.items()}
        row = {"line": line, "email": "", "name": "", "role_group": "", "department": None}

        def bad(problem, line=line):
            problems.append(_line(line, problem))

        if any(_norm(cell) != "" for i, cell in enumerate(record) if i not in headed):
            bad(_("a value in a column without a heading"))

        email = _norm(cells.get("email", "")) if "email" in columns else None
        if email == "":
            bad(_("an e-mail address is required"))
        elif email is not None:
            try:
                if len(email) > EMAIL_MAX_LENGTH:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                bad(_("%(email)r is not a valid e-mail address") % {"email": _shown(cells["email"])})
            else:
                if email in first_line:
                    bad(_("%(email)s is already on line %(first)d") % {"email": email, "first": first_line[email]})
                elif email in already_invited:
                    bad(_("%(email)s is already invited to this campaign") % {"email": email})
                first_line.setdefault(email, line)
                row["email"] = email

        name = _shown(cells.get("name", ""))
        if len(name) > NAME_MAX_LENGTH:
            bad(_("the name is longer than %(max)d characters") % {"max": NAME_MAX_LENGTH})
        row["name"] = name

        text = _norm(cells.get("role_group", ""))
        if text and text not in roles:
            bad(_("unknown role group %(role)r") % {"role": _shown(cells["role_group"])})
        elif text and version_roles is not None and roles[text] not in version_roles:
            bad(
                _("the role group %(role)r is not part of this campaign's questionnaire (use one of: %(roles)s)")
                % {"role": _shown(cells["role_group"]), "roles": ", ".join(version_roles)}
            )
        row["role_group"] = roles.get(text, "")

        text = _norm(cells.get("department", ""))
        keys = department_keys.get(text, set())
        if text and not keys:
            bad(_("unknown department %(department)r") % {"department": _shown(cells["department"])})
        elif len(keys) > 1:
            bad(
                _("%(department)r names several departments; use its key") % {"department": _shown(cells["department"])}
            )
        elif keys:
            row["department"] = next(iter(keys))
        rows.append(row)
    if not rows and "email" in columns:
        problems.append(_("The file has no respondents."))
    return rows, problems


def unknown_department_names(*, header, records, departments):
    """Department cells that name no department, as first written, in file order (no repeats)."""
    columns, _headed, _problems = _columns(header)
    if "department" not in columns:
        return []
    lookup = _department_lookup(departments)
    index = columns["department"]
    seen, names = set(), []
    for record in records:
        cell = record[index] if index < len(record) else ""
        text = _norm(cell)
        if text and text not in lookup and text not in seen:
            seen.add(text)
            names.append(_shown(cell))
    return names


def new_department_keys(names, existing_keys):
    """Keys for departments created from an upload: the name's ASCII slug, else dept-1, dept-2, …

    Japanese names have no ASCII slug, so they get numbered keys; keys appear in report
    addresses only, and the consultant can rename the department (not the key) later.
    """
    taken = set(existing_keys)
    keys, counter = [], 1
    for name in names:
        base = slugify(name)[:50]
        if not base:
            while f"dept-{counter}" in taken:
                counter += 1
            key = f"dept-{counter}"
        else:
            key, n = base, 2
            while key in taken:
                key, n = f"{base}-{n}", n + 1
        taken.add(key)
        keys.append(key)
    return keys
