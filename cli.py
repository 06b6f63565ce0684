"""karta's command line: parse arguments → call one service function → print.

This module assembles the commands of ``commands/`` under ``karta``, in the order of the
work. Only click is imported at start-up; the database layer, importers and rich are
imported inside the commands that need them, so ``karta --help`` answers at once.
"""

from __future__ import annotations

import click

from commands import (
    assignments,
    audit,
    documents,
    drafts,
    indicators,
    notify,
    schedule,
    setup,
    work,
)
from commands.common import CONTEXT, KartaGroup, Settings, help_option, remember

# the sections of `karta --help`, in the order of a department's work
SECTIONS: tuple[tuple[str, tuple[click.Command, ...]], ...] = (
    ("Настройка", (setup.init, setup.upgrade, setup.profile, setup.people, setup.units,
                   setup.token, setup.org, setup.app_role)),
    ("Дорожные карты", (work.import_, work.roadmaps, work.activities, work.show,
                        drafts.basis, documents.approve)),
    ("Исполнение мероприятий", (work.start, assignments.assignments, work.report,
                                assignments.accept, work.return_, assignments.withdraw,
                                assignments.extend, assignments.extension,
                                assignments.collect, work.analyse, work.cancel, work.history,
                                work.comment, work.comments, assignments.discipline)),
    ("Документы", (documents.sign, documents.documents, documents.journal, documents.plan,
                   documents.annual_report, documents.templates, documents.rules)),
    ("Сроки", (schedule.deadline, schedule.set_period_command, schedule.set_deadline_command,
               schedule.occurrence, schedule.agenda, schedule.calendar)),
    ("Показатели", (indicators.indicators,)),
    ("Уведомления", (notify.notify, notify.mail)),
    ("Аудит и сохранность", (audit.audit, setup.region, audit.store, setup.backup,
                             setup.restore)),
    ("Веб-интерфейс и демонстрация", (setup.serve, setup.demo)),
)


@click.group(cls=KartaGroup, context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]",
             subcommand_metavar="КОМАНДА [АРГУМЕНТЫ]...")
@help_option
@click.option("--db", "db_url", metavar="URL",
              help="База данных: адрес SQLAlchemy (sqlite:///…, postgresql://…) или путь к "
                   "файлу SQLite. По умолчанию KARTA_DB или karta.db в текущей папке.")
@click.option("--user", metavar="ЛОГИН",
              help="От чьего имени выполняется команда (по умолчанию KARTA_USER).")
@click.option("--files", metavar="ПАПКА",
              help="Хранилище файлов (по умолчанию KARTA_FILES или karta-files рядом с базой).")
@click.version_option("0.1.0", "--version", message="karta %(version)s",
                      help="Показать версию и выйти.")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, user: str | None, files: str | None) -> None:
    """karta — дорожные карты управления образования: импорт, исполнение мероприятий по
    периодам, сроки, приказы, отчёты и справки, журнал принятых решений.

    \b
    Ссылки: R1 — дорожная карта, 1:2.4 — мероприятие 2.4 карты 1,
    1:2.4@2022 — его исполнение за 2022 год.
    """
    ctx.obj = remember(Settings(db_url, user, files))


for _title, _commands in SECTIONS:
    for _command in _commands:
        main.add_command(_command)
main.sections = SECTIONS  # type: ignore[attr-defined]

if __name__ == "__main__":
    main()
