"""Bulk import and export of survey responses as CSV/XLSX files, one row per respondent.

Parsing (`responses_parse`) is a pure function of plain data so that every rule about a
cell can be tested without a database; the service functions around it read and write.
"""

import getpass
import hashlib
import logging
import re
from pathlib import Path

from django.utils import timezone

from .cells import cell_norm as _norm
from .cells import department_lookup as _department_lookup
from .errors import ApplicationError
from .framework_file import audience_includes
from .loading import answers_loading
from .models import Answer, Campaign, Item, Response, ResponseImport, RoleGroup, Tenure
from .services import invitation_create
from .upload_reader import UploadReadError, table_read

DONT_KNOW = "dk"
# Compared after normalisation (NFKC, casefolded), so "DK" and "Don't Know" match too.
DONT_KNOW_WORDS = {"dk", "don't know", "dont know", "don’t know", "わからない"}
# "4" as typed, or "4.0" as Excel/pandas may turn a number cell into text.
ANSWER_PATTERN = re.compile(r"([1-5])(?:\.0*)?")
PROFILE_COLUMNS = ("role", "department", "tenure")
logger = logging.getLogger(__name__)

# The export's row number; accepted (and ignored) so that an exported file imports as it is.
IGNORED_COLUMNS = ("respondent",)
FORMATS = ("csv", "xlsx")


# A wrong file (or a zip bomb) is refused by the reader's limits (upload_reader); of a file with
# many problems, the first errors.MAX_PROBLEMS are listed.


class ResponsesFileError(ApplicationError):
    """The file cannot be imported; `problems` lists every reason, one line each (at most ~50),
    `total` counts them all."""

    def __init__(self, problems):
        super().__init__(problems=problems, capped=True)


# --- reading files (pure) --------------------------------------------------------------------


def _frame_columns(header, width):
    """Column names as pandas gives them: "Unnamed: n" for an empty heading, "x.1" for a second "x"."""
    names, seen = [], {}
    for index in range(width):
        name = header[index] if index < len(header) else ""
        name = name if name.strip() else f"Unnamed: {index}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(f"{name}.{count}" if count else name)
    return names


def responses_read_frame(path):
    """The file's first table as strings ("" for an empty cell); row i is file line i + 2.

    Read by `upload_reader.table_read` (streaming, within the upload limits).
    """
    import pandas as pd  # imported where used: the URL configuration reaches this module

    try:
        header, records = table_read(path)
    except UploadReadError as error:
        raise ResponsesFileError(error.problems) from None
    width = max([len(header), *map(len, records)])
    rows = [record + [""] * (width - len(record)) for record in records]
    return pd.DataFrame(rows, columns=_frame_columns(header, width), dtype=object)


def role_labels_from_profile(profile):
    """{label: role key} for every language's label of the framework file's role options."""
    options = (profile or {}).get("role_group", {}).get("options", [])
    return {
        text: option["key"]
        for option in options
        if option.get("key") in RoleGroup.values
        for field in ("label", "short")  # 1.1 adds short labels (管理職, Managers)
        for text in (option.get(field) or {}).values()
        if text
    }


# --- parsing (pure) --------------------------------------------------------------------------


def _answer(cell):
    """(value, problem): value 1–5, None for "don't know", or "" for not answered."""
    text = _norm(cell)
    if text == "":
        return "", None
    if text in DONT_KNOW_WORDS:
        return None, None
    match = ANSWER_PATTERN.fullmatch(text)
    if match:
        return int(match.group(1)), None
    return "", f"{str(cell).strip()!r} is not an answer (use 1–5, dk, or leave blank)"


def _check_columns(columns, items):
    """Problems with the header row: duplicated, unknown or missing columns."""
    problems = []
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        problems.append(f"duplicate columns: {', '.join(duplicates)}")
    allowed = {*PROFILE_COLUMNS, *IGNORED_COLUMNS, *items}
    unknown = [c for c in columns if c not in allowed]
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    missing = [key for key in items if key not in columns]
    if missing:
        problems.append(f"missing item columns: {', '.join(missing)}")
    return problems


def responses_parse(frame, *, items, departments, role_labels):
    """Validate a table of responses; returns (rows, problems).

    `items`: item keys in questionnaire order; `departments`: (key, name_en, name_ja) of
    the organisation's departments (empty when it has none); `role_labels`: {label: role
    key}. Each row is {"line", "role", "department" (key or None), "tenure", "answers":
    {item key: 1–5 or None}}, blank answers left out. Problems are strings naming the line
    and column; rows are only meaningful when there are none.
    """
    items = list(items)
    departments = list(departments)
    frame = frame.copy()
    frame.columns = [_norm(c) for c in frame.columns]
    # A column with neither a header nor values is residue of Excel formatting, not a mistake.
    keep = [
        i
        for i, column in enumerate(frame.columns)
        if not (column == "" or column.startswith("unnamed:")) or frame.iloc[:, i].map(_norm).ne("").any()
    ]
    frame = frame.iloc[:, keep]
    problems = _check_columns(list(frame.columns), items)
    frame = frame.loc[:, ~frame.columns.duplicated()]  # cells are checked under the first of twins
    columns = list(frame.columns)
    if "role" not in columns:
        problems.append("missing column: role")
    if departments and "department" not in columns:
        problems.append("missing column: department")

    roles = {_norm(key): key for key in RoleGroup.values}
    roles |= {_norm(label): key for label, key in role_labels.items()}
    tenures = {_norm(key): key for key in Tenure.values}
    department_keys = _department_lookup(departments)
    item_columns = [c for c in columns if c in set(items)]

    rows = []
    for index, record in enumerate(frame.to_dict("records")):
        if all(_norm(v) == "" for v in record.values()):
            continue  # blank lines between or after the data
        line = index + 2  # the header is line 1
        row = {"line": line, "role": "", "department": None, "tenure": "", "answers": {}}

        def bad(column, problem, line=line):
            problems.append(f"line {line}, column {column}: {problem}")

        if "role" in columns:
            text = _norm(record["role"])
            if text == OTHER:
                pass  # coarsened by an export: not given
            elif not text:
                bad("role", "a role is required")
            elif text not in roles:
                bad("role", f"unknown role {str(record['role']).strip()!r}")
            else:
                row["role"] = roles[text]
        if "department" in columns:
            text = _norm(record["department"])
            keys = department_keys.get(text, set())
            if text == OTHER and not keys:
                pass  # coarsened by an export: not given
            elif not text:
                if departments:
                    bad("department", "a department is required")
            elif not keys:
                bad("department", f"unknown department {str(record['department']).strip()!r}")
            elif len(keys) > 1:
                bad("department", f"{str(record['department']).strip()!r} names several departments; use its key")
            else:
                row["department"] = next(iter(keys))
        if "tenure" in columns:
            text = _norm(record["tenure"])
            if text and text != OTHER and text not in tenures:
                bad("tenure", f"unknown tenure {str(record['tenure']).strip()!r} (use {', '.join(Tenure.values)})")
            row["tenure"] = tenures.get(text, "")
        for key in item_columns:
            value, problem = _answer(record[key])
            if problem:
                bad(key, problem)
            elif value != "":
                row["answers"][key] = value
        rows.append(row)
    if not rows:
        problems.append("the file has no data rows")
    return rows, problems


# --- services (database) -------------------------------------------------------------------


def _campaign_items(campaign):
    """The campaign's items in questionnaire order (one query)."""
    return list(Item.objects.filter(framework_id=campaign.framework_id).order_by("dimension__order", "order"))


def _routing_problems(rows, item_by_key, framework):
    """Roles the framework version offers, and answers only to statements shown to the row's role (1.1)."""
    offered = [o["key"] for o in framework.profile.get("role_group", {}).get("options", [])]
    problems = []
    for row in rows:
        if not row["role"]:
            continue  # not given (or coarsened by an export): its answers are taken as they are
        if row["role"] not in offered:
            problems.append(
                f"line {row['line']}, column role: {row['role']!r} is not a role group of this "
                f"questionnaire (use {', '.join(offered)})"
            )
            continue
        for key in row["answers"]:
            if not audience_includes(item_by_key[key].audience, row["role"]):
                problems.append(f"line {row['line']}, column {key}: this statement is not asked of {row['role']!r}")
    return problems


class AlreadyImported(ApplicationError):
    """This file's content was already imported into this campaign."""


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def responses_import(*, campaign, path, force=False):
    """Import a file of submitted responses into `campaign`; returns how many were created.

    All or nothing: every problem in the file is collected into one ResponsesFileError
    before anything is written, and the writes share one transaction. The same content twice
    into one campaign is refused (AlreadyImported) unless force=True, which is logged.
    """
    sha256 = _file_sha256(path)
    earlier = ResponseImport.objects.filter(campaign=campaign, sha256=sha256).order_by("imported_at").first()
    if earlier and not force:
        raise AlreadyImported(
            f"This file (sha256 {sha256[:12]}…) was already imported into this campaign on "
            f"{timezone.localtime(earlier.imported_at):%Y-%m-%d %H:%M} as {earlier.file_name!r} ({earlier.rows} responses). "
            "Nothing was imported; use --force to import it again (its respondents would count twice)."
        )
    items = _campaign_items(campaign)
    departments = {d.key: d for d in campaign.organisation.departments.all()}
    rows, problems = responses_parse(
        responses_read_frame(path),
        items=[i.key for i in items],
        departments=[(d.key, d.name_en, d.name_ja) for d in departments.values()],
        role_labels=role_labels_from_profile(campaign.framework.profile),
    )
    item_by_key = {i.key: i for i in items}
    problems += _routing_problems(rows, item_by_key, campaign.framework)
    if problems:
        raise ResponsesFileError(problems)
    now = timezone.now()
    answers = []
    with answers_loading():  # one transaction: submitted responses, then their answers
        # Serialises two runs of the same file: the second sees the first's record and stops.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if not force and ResponseImport.objects.filter(campaign=campaign, sha256=sha256).exists():
            raise AlreadyImported(
                "This file was imported into this campaign a moment ago by another run; nothing was imported."
            )
        if force and earlier:
            logger.warning(
                "import_responses --force: campaign %s, file %s (sha256 %s) imported again; first import %s",
                campaign.pk,
                Path(path).name,
                sha256,
                earlier.imported_at.isoformat(),
            )
        for row in rows:
            department = departments.get(row["department"])
            invitation, _token = invitation_create(campaign=campaign, role_group=row["role"], department=department)
            response = Response.objects.create(
                invitation=invitation,
                campaign=campaign,
                role_group=row["role"],
                department=department,
                tenure=row["tenure"],
                submitted_at=now,
            )
            answers += [Answer(response=response, item=item_by_key[k], value=v) for k, v in row["answers"].items()]
        Answer.objects.bulk_create(answers)
        ResponseImport.objects.create(
            campaign=campaign,
            sha256=sha256,
            file_name=Path(path).name[:255],
            rows=len(rows),
            forced=bool(force and earlier),
        )
    return len(rows)


def responses_frame(*, campaign):
    """Submitted responses as a DataFrame, one row per respondent, in three queries.

    Respondents are numbered 1..n in submission order; database ids never leave the system.
    """
    import pandas as pd  # imported where used: the URL configuration reaches this module

    items = list(
        Item.objects.filter(framework_id=campaign.framework_id)
        .order_by("dimension__order", "order")
        .values_list("id", "key")
    )
    submitted = Response.objects.filter(campaign=campaign, submitted_at__isnull=False)
    responses = pd.DataFrame.from_records(
        list(submitted.order_by("submitted_at", "pk").values_list("id", "role_group", "department__key", "tenure")),
        columns=["id", "role", "department", "tenure"],
    )
    answers = pd.DataFrame.from_records(
        [
            (response_id, item_id, DONT_KNOW if value is None else value)
            for response_id, item_id, value in Answer.objects.filter(response__in=submitted).values_list(
                "response_id", "item_id", "value"
            )
        ],
        columns=["response", "item", "value"],
    ).astype({"value": object})  # object keeps 4 as 4 (not 4.0) next to "dk" and blanks
    grid = (
        answers.pivot(index="response", columns="item", values="value")
        .reindex(index=responses["id"], columns=[item_id for item_id, _key in items])
        .set_axis([key for _id, key in items], axis=1)
        .reset_index(drop=True)
    )
    profile = responses.drop(columns="id").astype(object).fillna("").reset_index(drop=True)
    profile.insert(0, "respondent", range(1, len(profile) + 1))
    return pd.concat([profile, grid], axis=1)


OTHER = "other"
PROFILE_COLUMNS = ("tenure", "department", "role")  # coarsened in this order: least telling first


def profiles_coarsen(frame, threshold):
    """(frame, rows changed): no role/department/tenure combination held by fewer than `threshold` rows.

    A row of a too-small combination gets "other" for its tenure, then its department, then its
    role, until its combination is large enough; an "other" group still too small takes in the
    smallest remaining combination. Answers are never changed.
    """
    import pandas as pd  # imported where used: the URL configuration reaches this module

    frame = frame.copy()
    original = frame[list(PROFILE_COLUMNS)].copy()
    columns = list(PROFILE_COLUMNS)
    for depth in range(1, len(columns) + 1):
        sizes = frame.groupby(columns, dropna=False)["respondent"].transform("size")
        small = sizes < threshold
        if not small.any():
            break
        frame.loc[small, columns[:depth]] = OTHER
    while True:
        sizes = frame.groupby(columns, dropna=False)["respondent"].transform("size")
        everything = (frame[columns] == OTHER).all(axis=1)
        if not ((sizes < threshold) & everything).any() or everything.all():
            break
        rest = frame[~everything]
        smallest = rest.groupby(columns).size().idxmin()
        frame.loc[(frame[columns] == pd.Series(smallest, index=columns)).all(axis=1), columns] = OTHER
    changed = int((frame[list(PROFILE_COLUMNS)] != original).any(axis=1).sum())
    return frame, changed


def responses_export(*, campaign, path, file_format=None, identifying=False):
    """Write the campaign's submitted responses to `path`; returns (rows written, rows coarsened).

    `file_format` is "csv" or "xlsx", taken from the extension when not given. Unless
    `identifying` (logged), profiles are coarsened so that no combination of role, department
    and tenure is held by fewer than the campaign's anonymity threshold.
    """
    path = Path(path)
    file_format = (file_format or path.suffix.lstrip(".")).lower()
    if file_format not in FORMATS:
        raise ValueError(f"unsupported format {file_format!r}: use csv or xlsx")
    frame = responses_frame(campaign=campaign)
    changed = 0
    if identifying:
        logger.warning(
            "export_responses --identifying: campaign %s exported with full profiles (run by %s)",
            campaign.pk,
            getpass.getuser(),
        )
    else:
        frame, changed = profiles_coarsen(frame, campaign.anonymity_threshold)
    if file_format == "csv":
        # The BOM makes Excel read the file as UTF-8 instead of the local code page.
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    else:
        frame.to_excel(path, index=False, sheet_name="responses", engine="openpyxl")
    return len(frame), changed
