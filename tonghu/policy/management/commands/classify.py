"""``tonghu classify --profile NAME FILE.jsonl [--on DATE]``: one JSON result line per input line.

Exit status: 0 when every line was processed — including lines reported as errors (``{"line": n, "error": …,
"field": …}``); non-zero only when the file cannot be read or the profile (or --on) is wrong. See
docs/classify-format.md.
"""

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from tonghu.policy.jsonl import classify_lines
from tonghu.policy.profile import ProfileError


class Command(BaseCommand):
    help = "Classify children's facts (one JSON object per line) under a jurisdiction profile; prints one JSON line per child."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSONL file ('-' for standard input)")
        parser.add_argument("--profile", required=True, help="profile key: national, xizang, shangrila, anshan, guangxi, changzhi …")
        parser.add_argument("--on", default=None, help="evaluation date YYYY-MM-DD (default: today)")

    def handle(self, *args, file, profile, on=None, **options):
        try:
            day = dt.date.fromisoformat(on) if on else None
        except ValueError:
            raise CommandError(f"--on：日期格式应为 YYYY-MM-DD / bad date {on!r}") from None
        if day is None:
            from django.utils import timezone

            day = timezone.localdate()
        try:
            fh = sys.stdin if file == "-" else open(file, encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"无法读取文件 / cannot read {file}: {exc.strerror}") from None
        try:
            for result in classify_lines(fh, profile, on=day):
                self.stdout.write(json.dumps(result, ensure_ascii=False))
        except ProfileError as exc:
            raise CommandError(f"未知的方案 / unknown profile: {exc}") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"文件不是 UTF-8 编码 / not UTF-8: {exc}") from None
        finally:
            if fh is not sys.stdin:
                fh.close()
