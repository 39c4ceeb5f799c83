"""Notification delivery as production runs it (docs/architecture.md, core/notify.py; issue 20 item 2):
``notify`` stores the notification, queues the ``send_notifications`` task when the transaction commits, the
``db_worker`` runs it, and every configured channel — the console log and e-mail — gets it once."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tonghu.accounts.roles import Role
from tonghu.core import notify as notify_module
from tonghu.core.models import Notification
from tonghu.core.notify import notify, send_pending

EMAIL = "tonghu.core.notify.EmailChannel"
CONSOLE = "tonghu.core.notify.ConsoleChannel"


class BrokenChannel:
    """A channel whose gateway is down (an SMS provider, say)."""

    name = "broken"

    def send(self, notification) -> bool:
        raise ConnectionError("gateway unreachable")


@pytest.fixture
def people(world, make_user):
    with_mail = make_user(Role.COUNTY_OFFICER, "451027000000", username="officer-mail", email="officer@example.org")
    without_mail = make_user(Role.CHILD_DIRECTOR, "451027001200", username="director-nomail", email="")
    return with_mail, without_mail


@pytest.fixture
def channels(settings):
    def use(*paths):
        settings.TONGHU = {**settings.TONGHU, "NOTIFY_CHANNELS": list(paths), "SITE_NAME": "童护"}

    use(CONSOLE, EMAIL)
    return use


@pytest.mark.django_db(transaction=True)
def test_notify_queues_the_task_on_commit_and_the_worker_mails_it(people, channels, caplog):
    officer, _director = people
    notification = notify(officer, kind="case_assigned", title="新的个案", body="请在 24 小时内受理。", url="/cases/12/")
    assert Notification.objects.get(pk=notification.pk).sent_at is None  # nothing is sent in the request
    assert DBTaskResult.objects.filter(task_path="tonghu.core.notify.send_notifications").count() == 1
    with caplog.at_level(logging.INFO, logger="tonghu.notify"):
        call_command("db_worker", "--batch", "--no-startup-delay")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer@example.org"]
    assert message.subject == "[童护] 新的个案"
    assert message.body == "请在 24 小时内受理。\n\n/cases/12/"
    assert "notify officer-mail: 新的个案 /cases/12/" in caplog.text
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.channels == {"console": True, "email": True}


@pytest.mark.django_db
def test_nothing_is_queued_when_the_transaction_rolls_back_or_send_is_off(people, django_capture_on_commit_callbacks):
    officer, _director = people
    with django_capture_on_commit_callbacks() as callbacks:
        notify(officer, kind="demo", title="演示数据", send=False)
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        notify(officer, kind="case_assigned", title="新的个案")
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_user_without_an_address_gets_no_mail_but_the_notification_is_done(people, channels):
    _officer, director = people
    notification = notify(director, kind="problem_found", title="发现严重问题", send=False)
    assert send_pending() == 1
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.channels == {"console": True, "email": False} and notification.sent_at is not None


@pytest.mark.django_db
def test_each_notification_is_delivered_once(people, channels):
    officer, _director = people
    notify(officer, kind="a", title="第一条", send=False)
    notify(officer, kind="b", title="第二条", send=False)
    assert send_pending() == 2
    assert send_pending() == 0
    assert [m.subject for m in mail.outbox] == ["[童护] 第一条", "[童护] 第二条"]


@pytest.mark.django_db
def test_a_broken_channel_does_not_stop_the_others(people, channels, caplog):
    officer, _director = people
    channels(f"{__name__}.BrokenChannel", EMAIL)
    notification = notify(officer, kind="a", title="照常发送", send=False)
    with caplog.at_level(logging.WARNING, logger="tonghu.notify"):
        assert send_pending() == 1
    assert [m.subject for m in mail.outbox] == ["[童护] 照常发送"]
    notification.refresh_from_db()
    assert notification.channels == {"broken": False, "email": True}
    assert f"channel broken failed for notification {notification.pk}: gateway unreachable" in caplog.text


def test_an_unknown_channel_is_skipped_and_none_left_means_the_defaults(channels, caplog):
    channels("tonghu.core.notify.SmsChannel", EMAIL)
    with caplog.at_level(logging.WARNING, logger="tonghu.notify"):
        assert [c.name for c in notify_module.channels()] == ["email"]
    assert "notification channel tonghu.core.notify.SmsChannel not found; skipped" in caplog.text
    channels("no.such.module.Channel")
    assert [c.name for c in notify_module.channels()] == ["console", "email"]
    channels()
    assert [c.name for c in notify_module.channels()] == ["console", "email"]


@pytest.mark.django_db
def test_a_long_title_is_cut_to_the_column(people):
    officer, _director = people
    assert len(notify(officer, kind="a", title="长" * 250, send=False).title) == 200


# ------------------------------------------------------------------ stored language-neutral (issue 11 §5, issue 18 §3)

def test_a_notification_is_stored_as_a_message_id_and_read_in_the_readers_language(people, channels, client):
    """The same stored notification reads in Chinese for a Chinese reader and in English for an English one; what is
    stored is the message id and its parameters, not a sentence in the writer's language (issue 11 §5)."""
    from django.utils import translation

    from tonghu.core.texts import msg

    officer, _director = people
    with translation.override("en"):  # the writer works in English: nothing English may be stored
        n = notify(officer, kind="cases", title=msg("个案 %(number)s 申请结案，请审批。", number="GA-7"), send=False)
    n.refresh_from_db()
    assert n.title_msg == {"i18n": "个案 %(number)s 申请结案，请审批。", "p": {"number": "GA-7"}}
    assert n.title == "个案 GA-7 申请结案，请审批。"  # the source-language copy
    client.force_login(officer)
    zh = client.get("/notifications/").content.decode()
    client.cookies["tonghu_language"] = "en"
    en = client.get("/notifications/").content.decode()
    assert "个案 GA-7 申请结案，请审批。" in zh
    assert "Case GA-7" in en and "申请结案" not in en


def test_email_goes_out_in_the_recipients_language_not_the_senders(people, channels, monkeypatch):
    """E-mail is rendered in the recipient's ``language`` preference when the user model has one, else in the
    site's default language — never in the language that happened to be active when it was queued."""
    from django.utils import translation

    from tonghu.accounts.models import User
    from tonghu.core.texts import msg

    officer, _director = people
    channels(EMAIL)
    with translation.override("en"):
        notify(officer, kind="cases", title=msg("个案 %(number)s 申请结案，请审批。", number="GA-8"), send=False)
        send_pending()
    assert "个案 GA-8 申请结案，请审批。" in mail.outbox[-1].subject  # the default language (zh-hans)
    monkeypatch.setattr(User, "language", "en", raising=False)
    notify(officer, kind="cases", title=msg("个案 %(number)s 申请结案，请审批。", number="GA-9"), send=False)
    send_pending()
    assert "Case GA-9" in mail.outbox[-1].subject and "申请" not in mail.outbox[-1].subject


def test_old_notifications_keep_their_text(people, client):
    """Rows written before (plain text, no message id) are shown as they were written."""
    officer, _director = people
    Notification.objects.create(user=officer, kind="legacy", title="旧的通知原文")
    client.force_login(officer)
    client.cookies["tonghu_language"] = "en"
    assert "旧的通知原文" in client.get("/notifications/").content.decode()
