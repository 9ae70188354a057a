from django.core.management.base import BaseCommand, CommandError

from shared.accounts.union_import import unions_import_xlsx
from shared.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Create unions (provinces, cities, counties) and invite their first administrators from one .xlsx sheet "
        "(province, city and county rows; columns 代码 名称 级别 上级代码 行政区划代码 域名 管理员用户名 管理员邮箱 管理员姓名), with a row-by-row "
        "report; each row is all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook (first sheet)")

    def handle(self, *args, **options):
        try:
            report = unions_import_xlsx(path=options["file"])
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        for row in report.created:
            self.stdout.write(
                self.style.SUCCESS(f"row {row['row']}: created {row['name']} ({row['code']})")
                + f"; invitation for {row['username']}: {row['url']}"
            )
        for row in report.rejected:
            reasons = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in row["errors"].items())
            self.stdout.write(self.style.ERROR(f"row {row['row']}: rejected, nothing created — {reasons}"))
        summary = f"{len(report.created)} created, {len(report.rejected)} rejected"
        if report.rejected:
            raise CommandError(summary)
        self.stdout.write(summary)
