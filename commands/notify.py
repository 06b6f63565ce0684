"""Commands of follow-up: the inbox, the mail server, sending mail and writing reminders
(from cron or a systemd timer when no web server runs them)."""

from __future__ import annotations

import click

from commands.common import current, emit_table, group, print_json
from documents.russian import screen_date


@group()
def notify() -> None:
    """Уведомления: входящие, отправка почты, напоминания о сроках."""


@notify.command("list")
@click.option("--unread", is_flag=True, help="Только непрочитанные.")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def notify_list(unread: bool, as_json: bool) -> None:
    """Ваши уведомления, новые сверху."""
    from registry.notifications import inbox

    settings = current()
    found = inbox(settings.database(), settings.user, unread_only=unread)
    if as_json:
        print_json(found)
        return
    if not found["items"]:
        click.echo("Уведомлений нет.")
        return
    emit_table(["Когда", "Что", "Прочитано"],
               [[screen_date(n["created_at"]), n["title"], "да" if n["read"] else "нет"]
                for n in found["items"]])


@notify.command("read")
def notify_read() -> None:
    """Отметить все ваши уведомления прочитанными."""
    from registry.notifications import mark_read

    settings = current()
    count = mark_read(settings.database(), settings.user)
    click.echo(f"Отмечено прочитанными: {count}.")


@notify.command("send")
@click.option("--json", "as_json", is_flag=True, help="Вывести итог в JSON.")
def notify_send(as_json: bool) -> None:
    """Написать напоминания на сегодня и отправить почту, которая ждёт (для cron или
    таймера systemd, если веб-сервер karta не запущен); можно запускать на нескольких
    серверах сразу — письмо уходит один раз."""
    from registry.mail import send_pending
    from registry.reminders import remind

    db = current().database()
    reminded = remind(db)
    sent = send_pending(db)
    if as_json:
        print_json({"reminded": reminded.as_dict(), "mail": sent.as_dict()})
        return
    click.echo(f"Напоминаний: о сроке {reminded.near}, о просрочке {reminded.passed}, "
               f"руководителю {reminded.escalated}. Писем отправлено {sent.sent}, сводок "
               f"{sent.digests}, отложено {sent.retried}, не отправлено {sent.failed}.")
    for error in sent.errors or []:
        click.echo(f"  {error}", err=True)


@group()
def mail() -> None:
    """Почтовый сервер организации для уведомлений."""


@mail.command("set")
@click.option("--host", required=True, metavar="СЕРВЕР", help="Адрес SMTP-сервера.")
@click.option("--port", type=int, default=587, show_default=True, help="Порт.")
@click.option("--security", type=click.Choice(["starttls", "ssl", "none"]),
              default="starttls", show_default=True, help="Защита соединения.")
@click.option("--login", "user", default="", metavar="ЛОГИН", help="Учётная запись на сервере.")
@click.option("--password-stdin", is_flag=True,
              help="Прочитать пароль сервера из стандартного ввода (иначе спросить).")
@click.option("--sender", required=True, metavar="АДРЕС", help="Адрес отправителя.")
@click.option("--site", default="", metavar="АДРЕС",
              help="Адрес веб-интерфейса karta для ссылок в письмах (https://…).")
@click.option("--remind", default="5,1", show_default=True, metavar="ДНИ",
              help="За сколько рабочих дней до срока напоминать.")
@click.option("--escalate", type=int, default=3, show_default=True, metavar="ДНИ",
              help="Через сколько рабочих дней просрочки сообщать руководителю.")
def mail_set(host: str, port: int, security: str, user: str, password_stdin: bool,
             sender: str, site: str, remind: str, escalate: int) -> None:
    """Настроить почтовый сервер (администратор); пароль хранится запечатанным ключом
    журнала вне базы данных."""
    import sys

    from registry.mail import set_mail

    password = None
    if user:
        password = sys.stdin.readline().rstrip("\r\n") if password_stdin else \
            click.prompt("Пароль почтового сервера", hide_input=True, err=True)
    settings = current()
    set_mail(settings.database(), settings.user, host=host, port=port, security=security,
             user=user, password=password, sender=sender, site=site, remind_before=remind,
             escalate_after=escalate)
    click.echo(f"Почтовый сервер {host}:{port} сохранён.")


@mail.command("outbox")
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
def mail_outbox(as_json: bool) -> None:
    """Что ждёт отправки и почему (администратор)."""
    from registry.mail import outbox

    settings = current()
    found = outbox(settings.database(), settings.user)
    if as_json:
        print_json(found)
        return
    click.echo(f"Ждут отправки: {found['waiting']}; не отправлены: {found['failed']}.")
    for row in found["rows"]:
        click.echo(f"  {row['to']}: {row['title']} — {row['state']}"
                   + (f" ({row['error']})" if row["error"] else ""))
