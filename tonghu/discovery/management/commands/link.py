"""``tonghu link ROSTER REGISTRY --out MATCHES.csv [--threshold P] [--review P] [--engine duckdb|spark]``
(issue 12 item 6; docs/discovery-format.md): the app's linkage on two files, nothing read from or written to the
database."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "比对两个文件（名单与儿童名册）：每条名单记录一行结论 match/review/new 及理由（docs/discovery-format.md）"

    def add_arguments(self, parser):
        parser.add_argument("roster")
        parser.add_argument("registry")
        parser.add_argument("--out", required=True)
        parser.add_argument("--threshold", type=float, default=None, help="match at or above this probability (default TONGHU_DISCOVERY_MATCH, 0.95)")
        parser.add_argument("--review", type=float, default=None, help="review at or above this probability (default 0.5)")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default=None)
        parser.add_argument("--kind", choices=["child", "guardian"], default="child")

    def handle(self, *args, **o):
        from tonghu.discovery import linkage
        from tonghu.discovery.fileio import LinkFileError, read_records, write_matches
        from tonghu.discovery.services import knob

        t0 = time.perf_counter()
        try:
            roster, registry = read_records(Path(o["roster"])), read_records(Path(o["registry"]))
        except (LinkFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        read = time.perf_counter() - t0
        cfg = linkage.Settings(match=o["threshold"] if o["threshold"] is not None else knob("DISCOVERY_MATCH", 0.95),
                               review=o["review"] if o["review"] is not None else knob("DISCOVERY_REVIEW", 0.5))
        if not 0 < cfg.review <= cfg.match <= 1:
            raise CommandError("阈值应满足 0 < review ≤ threshold ≤ 1")
        result = linkage.link(roster, registry, kind=o["kind"], settings=cfg, engine=o["engine"] or knob("DISCOVERY_ENGINE", "duckdb"),
                              progress=lambda m: self.stderr.write(m))
        t1 = time.perf_counter()
        n = write_matches(Path(o["out"]), result.decisions)
        counts = {k: sum(1 for d in result.decisions if d.decision == k) for k in ("match", "review", "new")}
        t = {k: round(v, 1) for k, v in result.timings.items()}
        self.stdout.write(f"{n} 条名单记录：match {counts['match']}，review {counts['review']}，new {counts['new']}；"
                          f"候选对 {result.pairs}；模型 {result.trained}；读取 {read:.1f}s，比对 {t}，写出 {time.perf_counter() - t1:.1f}s → {o['out']}")
