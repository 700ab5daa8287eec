"""The knowledge hub's public pages for readers without an account: 5,000 published articles, the list with a
search term, the list unfiltered and filtered, an article page and the Atom feed, under 16 concurrent clients on
2 gunicorn workers, each page's throughput divided by the bare endpoint's (``/healthz``) in the same run, and
SQL statements per page. Also: how long a 100 KB Markdown body takes to render. See bench/README.md."""

import json
import random
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402
    ANONYMOUS_PAGES,
    DATA,
    bench_app,
    count_statements,
    database_url,
    gunicorn,
    measure,
    print_table,
)
from blueprints.core.db import db  # noqa: E402

ARTICLES = 5000
KINDS = ("gott_exempel", "stodmaterial", "erfarenhet", "nyhet")
PHASES = ("initiera", "starta", "driva", "avslutad")
CODES = ("60130000", "15000000", "39100000", "45000000", "34144900", "72000000", "09300000", "90500000")
SEARCHED = ["skolskjuts", "livsmedel", "städ", "konsult", "möbler", "fordon", "it-", "bygg", "avfall", "energi"]


def real_titles() -> list[str]:
    """The 2021 procurements' titles (the statistics files, when present), else a generated stand-in: the words
    articles about procurement are made of, with the spread of a real vocabulary."""
    if DATA.exists():
        import openpyxl

        sheet = openpyxl.load_workbook(DATA, read_only=True).active
        titles = [str(row[30] or "").strip() for row in sheet.iter_rows(min_row=2, values_only=True)]
        return [t for t in titles if len(t) > 3]
    rng = random.Random(2021)
    stems = [
        f"{a}{b}"
        for a in ("skol", "fordon", "livsmedel", "städ", "bygg", "it", "energi", "avfall")
        for b in ("tjänster", "skjuts", "leveranser", "drift", "ramavtal", "system", "material")
    ]
    return [" ".join(rng.choice(stems) for _ in range(4)) for _ in range(5000)]


def _paragraph(rng: random.Random, titles: list[str], count: int) -> str:
    return " ".join(f"{rng.choice(titles).rstrip('.')}." for _ in range(count))


def _body(rng: random.Random, titles: list[str]) -> str:
    """About 3 KB of Markdown made of procurement titles: headings, paragraphs with links, a list, a table."""
    parts = []
    for section in range(4):
        parts.append(f"## {section + 1}. {rng.choice(titles)[:60]}")
        parts.append(_paragraph(rng, titles, 5) + " Läs [mer](https://example.org/x).")
        parts.append("\n".join(f"- **{rng.choice(titles)[:30]}**: {rng.choice(titles)}" for _ in range(3)))
    parts.append("| Steg | Veckor |\n|---|--:|\n| Utmaning | 2 |\n| Dialog | 6 |")
    return "\n\n".join(parts)


def load_articles(app) -> None:
    """Migrations, the demo data, then 5,000 published articles through the models (rendered, indexed)."""
    from flask_migrate import upgrade

    from blueprints.core.registry import areas
    from blueprints.knowledge.markdown import render
    from blueprints.knowledge.models import Article, ArticleVersion
    from blueprints.vocabulary.models import CpvCode, NeedArea

    started = time.perf_counter()
    rng = random.Random(20261201)
    titles = real_titles()
    with app.app_context():
        upgrade()
        for seeder in areas(app).seeders:
            seeder.seed()
        need_areas = list(db.session.scalars(sa.select(NeedArea)))
        codes = {c.code: c for c in db.session.scalars(sa.select(CpvCode).where(CpvCode.code.in_(CODES)))}
        for n in range(ARTICLES):
            title = f"{rng.choice(titles)[:180]} ({n + 1})"
            body = _body(rng, titles)
            visibility = "alla" if n % 10 else "inloggade"
            article = Article(
                kind=KINDS[n % 4],
                status="publicerad",
                visibility=visibility,
                title=title,
                summary=_paragraph(rng, titles, 2)[:600],
                body=body,
                body_html=render(body),
                version_number=1,
                published_at=datetime_days_ago(rng.randrange(3 * 365)),
                need_areas=[rng.choice(need_areas)],
                cpv_codes=[codes[rng.choice(CODES)]],
            )
            article.phases = rng.sample(PHASES, 2)
            article.versions.append(
                ArticleVersion(number=1, kind=article.kind, visibility=visibility, title=title, body=body, tags={})
            )
            db.session.add(article)
            if n % 500 == 499:
                db.session.commit()
        db.session.commit()
        maintenance = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(maintenance)
    print(f"{ARTICLES} articles loaded in {time.perf_counter() - started:.1f} s")


def datetime_days_ago(days: int):
    from datetime import timedelta

    from blueprints.core.db import utcnow

    return utcnow() - timedelta(days=days, hours=days % 24)


def render_time() -> dict[str, float]:
    """Milliseconds to render a 100 KB body dense with links and emphasis (median and worst of 20)."""
    from blueprints.knowledge.markdown import render

    body = ("## Avsnitt\n\n" + "Text med *betoning* och [länk](https://a.se). " * 40 + "\n\n- a\n- b\n\n") * 55
    times = []
    for _ in range(20):
        started = time.perf_counter()
        render(body)
        times.append((time.perf_counter() - started) * 1000)
    return {"bytes": len(body.encode()), "median_ms": statistics.median(times), "max_ms": max(times)}


def main() -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    url = database_url(out, "knowledge")
    app = bench_app(url)
    load_articles(app)
    with app.app_context():
        from blueprints.knowledge.models import Article

        public_ids = list(
            db.session.scalars(
                sa.select(Article.id).where(Article.visibility == "alla").order_by(Article.id.desc()).limit(50)
            )
        )
        article_id = public_ids[0]
    pages = [
        ("healthz (bare endpoint)", "/healthz"),
        ("knowledge list, search term", "/kunskap/?q=skolskjuts"),
        ("knowledge list, 10 search terms in turn", [f"/kunskap/?q={term}" for term in SEARCHED]),
        ("knowledge list, search + filters", "/kunskap/?q=transport&kind=erfarenhet&phase=driva"),
        ("knowledge list", "/kunskap/"),
        ("knowledge article", f"/kunskap/{article_id}"),
        ("knowledge articles, 50 in turn", [f"/kunskap/{i}" for i in public_ids]),
        ("knowledge Atom feed", "/kunskap/flode.atom"),
    ]
    ANONYMOUS_PAGES.update(path if isinstance(path, str) else path[0] for _name, path in pages)
    statements = count_statements(app, [(name, path if isinstance(path, str) else path[0]) for name, path in pages])
    tables = {}
    # First as served (pages kept in memory by ETag), then with nothing kept: every request renders its page.
    for label, settings in (("kept pages", {}), ("nothing kept", {"KNOWLEDGE_PAGE_CACHE": "0"})):
        with gunicorn(url, **settings) as base:
            results = measure(base, pages, statements)
        print(f"\n== {label} ==")
        backend = print_table(url, results)
        tables[label] = results
    rendering = render_time()
    print(f"100 KB Markdown body: {rendering['median_ms']:.1f} ms median, {rendering['max_ms']:.1f} ms worst of 20")
    (out / f"knowledge-{backend}.json").write_text(json.dumps({"pages": tables, "render": rendering}, indent=2))


if __name__ == "__main__":
    main()
