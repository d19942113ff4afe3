"""Validation problems in plain language. Reports store codes and parameters; the words are made
here in the reader's language, so a report written once reads in Japanese and English."""

from django.utils.translation import gettext as _
from django.utils.translation import override

from . import publisher
from .tabular import encoding_label


def _templates():
    return {
        "empty": _("The file is empty."),
        "binary": _("This is not a text (CSV) file: it contains binary data. Save it as CSV and upload it again."),
        "encoding_unknown": _("The characters cannot be read as UTF-8 or Shift_JIS. Save the file as “CSV UTF-8” and upload it again."),
        "xlsx_unreadable": _("The Excel file cannot be opened. Save it again as .xlsx or as CSV."),
        "bad_quoting": _("Row {row}: a quotation mark is not closed or is in the wrong place, so the rows after it cannot be read."),
        "ragged": _("Row {row} has {found} cells, but the header has {expected}. Check for a missing or extra comma."),
        "duplicate_header": _("The column “{column}” appears more than once in the header."),
        "too_many_rows": _("The file has more than {limit} rows, the most one resource may hold."),
        "xlsx_too_large": _("The Excel file unpacks to {size_mb} MB, more than the {mb} MB allowed. Save it as CSV and upload that instead."),
        "missing_column": _("The required column “{column}” is missing."),
        "missing_optional_column": _("The column “{column}” of this layout is missing (it is optional)."),
        "unknown_column": _("The column “{column}” is not part of this layout. It is kept as it is."),
        "required_empty": _("Row {row}: “{column}” is required but empty."),
        "lgcode_five_digit": _("Row {row}: “{value}” in “{column}” is the old 5-digit code. The code with its check digit is {expected}."),
        "lgcode_check_digit": _("Row {row}: “{value}” in “{column}” is not a valid local-government code: its last digit (check digit) should be {expected}."),
        "lgcode_format": _("Row {row}: “{value}” in “{column}” must be a local-government code of 6 half-width digits, e.g. {example}."),
        "id_format": _("Row {row}: the ID “{value}” must use half-width letters and digits only."),
        "duplicate_id": _("Row {row}: the ID “{value}” is already used in row {other}. Each ID must be unique."),
        "coordinate_outside_japan": _("Row {row}: {column} {value} is outside Japan. Check that latitude and longitude are not swapped."),
        "not_a_number": _("Row {row}: “{value}” in “{column}” is not a number."),
        "time_format": _("Row {row}: “{value}” in “{column}” is not a time. Write hh:mm, e.g. 08:30."),
        "date_format": _("Row {row}: “{value}” in “{column}” is not a date. Write YYYY-MM-DD, e.g. 2025-04-01."),
        "yesno": _("Row {row}: “{value}” in “{column}” must be 有 or 無."),
        "weekdays": _("Row {row}: “{value}” in “{column}” must be days of the week such as 月火水木金."),
        "phone": _("Row {row}: “{value}” in “{column}” is not a phone number, e.g. 03-3647-9111."),
        "postal": _("Row {row}: “{value}” in “{column}” is not a postal code, e.g. 135-8383."),
        "url": _("Row {row}: “{value}” in “{column}” must be an address starting with https:// or http://."),
        "int": _("Row {row}: “{value}” in “{column}” must be a whole number."),
        "corpnum": _("Row {row}: “{value}” in “{column}” must be a corporate number of 13 digits."),
        "email": _("Row {row}: “{value}” in “{column}” is not an email address."),
        "no_rows": _("The file has a header but no data rows."),
    }


def describe(issue, example=None):
    """`example`: a valid local-government code to show (the municipality's own, read once by `described`)."""
    template = _templates().get(issue["code"], issue["code"])
    values = {"row": issue.get("row") or "", "column": issue.get("column", ""), "value": issue.get("value", "")}
    if "{example}" in template:
        values["example"] = example if example is not None else publisher.code()
    values.update(issue.get("params") or {})
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template


def summary(report):
    """One sentence about the whole report."""
    if not report:
        return _("Not checked yet.")
    if report.get("fatal"):
        return _("The file cannot be read, so it was not published to the datastore. See the problems below.")
    if report.get("errors"):
        return _("%(errors)s problems need fixing (%(warnings)s notes).") % {"errors": report["errors"], "warnings": report.get("warnings", 0)}
    return _("No problems found in %(rows)s rows (%(warnings)s notes). Encoding: %(encoding)s.") % {
        "rows": report.get("rows", 0), "warnings": report.get("warnings", 0), "encoding": encoding_label(report.get("encoding"))}


def described(report, language=None):
    issues = (report or {}).get("issues", [])
    example = publisher.code() if any(issue.get("code") == "lgcode_format" for issue in issues) else ""
    if language:
        with override(language):
            return [dict(issue, message=describe(issue, example)) for issue in issues]
    return [dict(issue, message=describe(issue, example)) for issue in issues]
