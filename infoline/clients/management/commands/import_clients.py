"""Import persons or employers from a CSV or XLSX file (issue 4, deliverable 8).

``manage.py import_clients persons FILE [--dry-run] [--partial]``. Progress
goes to stderr, the error report and the summary to stdout; the exit status
is 1 when the file had errors and nothing was imported.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from infoline.clients.importer import (
    ImportReport,
    format_from_name,
    import_employers,
    import_persons,
)
from infoline.lib.context import Actor, acting_as


class Command(BaseCommand):
    help = (
        "Import persons or employers from a CSV (UTF-8, comma or semicolon) or "
        "XLSX file. All-or-nothing unless --partial; --dry-run writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["persons", "employers"])
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate the whole file and report; write nothing.",
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Import the valid rows even if some rows have errors.",
        )
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            help="The file's format when its name does not end in .csv or .xlsx.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        fmt = options["format"] or format_from_name(path)
        if fmt is None:
            raise CommandError(
                gettext(
                    "Import files are .csv or .xlsx; “%(file)s” is neither "
                    "(use --format to say which it is)."
                )
                % {"file": path},
                returncode=1,
            )
        importer = import_persons if options["kind"] == "persons" else import_employers
        show_progress = options["verbosity"] > 0
        try:
            with acting_as(Actor(via="command")):
                report = importer(
                    path,
                    fmt=fmt,
                    dry_run=options["dry_run"],
                    all_or_nothing=not options["partial"],
                    progress=self.show_progress if show_progress else None,
                )
        except OSError as exc:
            raise CommandError(
                gettext("Cannot read “%(file)s”: %(error)s.")
                % {"file": path, "error": exc.strerror or exc},
                returncode=1,
            ) from None
        if show_progress:
            self.stderr.write("")
        self.print_errors(report)
        summary = self.summary(report)
        if report.error_count and not report.created:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)

    def show_progress(self, done: int, total: int | None) -> None:
        """Overwrite the progress line on stderr."""
        if total:
            line = gettext("%(done)s / %(total)s rows (%(percent)s%%)") % {
                "done": _count(done),
                "total": _count(total),
                "percent": done * 100 // total,
            }
        else:
            line = gettext("%(done)s rows") % {"done": _count(done)}
        self.stderr.write(f"\r  {line}", ending="")
        self.stderr.flush()

    def print_errors(self, report: ImportReport) -> None:
        for error in report.errors:
            if error.row == 0:
                where = gettext("file")
            elif error.column:
                where = gettext("row %(row)s, %(column)s") % {
                    "row": error.row,
                    "column": error.column,
                }
            else:
                where = gettext("row %(row)s") % {"row": error.row}
            self.stdout.write(f"  {where}: {error.message}")
        hidden = report.error_count - len(report.errors)
        if hidden:
            self.stdout.write(
                "  "
                + ngettext(
                    "… and %(count)s more error.",
                    "… and %(count)s more errors.",
                    hidden,
                )
                % {"count": _count(hidden)}
            )

    def summary(self, report: ImportReport) -> str:
        counts = {
            "valid": _count(report.valid),
            "rows": _count(report.rows),
            "invalid": _count(report.invalid),
            "created": _count(report.created),
            "phones": _count(report.phones),
        }
        if report.dry_run:
            return (
                ngettext(
                    "Dry run: %(valid)s of %(rows)s row is valid; nothing was written.",
                    "Dry run: %(valid)s of %(rows)s rows are valid; nothing was "
                    "written.",
                    report.rows,
                )
                % counts
            )
        if report.created or report.ok:
            if report.kind == "persons":
                text = ngettext(
                    "Imported %(created)s person with %(phones)s phones.",
                    "Imported %(created)s persons with %(phones)s phones.",
                    report.created,
                )
            else:
                text = ngettext(
                    "Imported %(created)s employer.",
                    "Imported %(created)s employers.",
                    report.created,
                )
            text %= counts
            if report.error_count:
                text += " " + ngettext(
                    "%(invalid)s row with errors was skipped.",
                    "%(invalid)s rows with errors were skipped.",
                    report.invalid,
                ) % (counts)
            return text
        if report.rows and report.all_or_nothing:
            return (
                ngettext(
                    "Nothing was imported: %(invalid)s of %(rows)s rows has "
                    "errors. Fix it, or use --partial to import the valid rows.",
                    "Nothing was imported: %(invalid)s of %(rows)s rows have "
                    "errors. Fix them, or use --partial to import the valid rows.",
                    report.invalid,
                )
                % counts
            )
        return gettext("Nothing was imported.")


def _count(number: int) -> str:
    """Return ``number`` with the active language's digit grouping."""
    return number_format(number, force_grouping=True)
