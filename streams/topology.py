"""The stage graph as data: what each stage consumes, produces and keeps.

``python -m streams.topology`` prints it; a unit test checks it against the
agents, topics and tables the app really declares, so the picture in the
README cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from agents.kinds import KINDS
from streams import topics as t

__all__ = ["GLOBAL_TABLES", "STAGES", "Stage", "consumed_by_each_worker", "describe"]


@dataclass(frozen=True)
class Stage:
    """One stage: its agent, pure function, topics and tables.

    Two stages may share an agent: the enrich agent also raises the alerts.
    """

    name: str
    agent: str
    function: str
    consumes: str
    produces: tuple[str, ...]
    reads_tables: tuple[str, ...] = ()
    writes_tables: tuple[str, ...] = ()
    dlq_stage: str = ""

    @property
    def dead_letters(self) -> str:
        """Where this stage's rejected input goes (the view agents share one)."""
        return t.dlq(self.dlq_stage or self.name)


STAGES: tuple[Stage, ...] = (
    Stage("normalize", "normalize_agent", "agents.parse.parse_article",
          t.ARTICLES_RAW, (t.ARTICLES,), reads_tables=("article-revisions",),
          writes_tables=("article-revisions", "articles")),
    Stage("enrich", "enrich_agent", "agents.pipeline.analyse_article", t.ARTICLES,
          (t.EVENTS, t.QUOTES, t.FIGURES, t.ENTITIES, t.VIEW_UPDATES),
          reads_tables=("article-annotations",),
          writes_tables=("articles", "article-annotations")),
    Stage("views", "views_agent", "agents.viewfold.fold", t.VIEW_UPDATES, (),
          writes_tables=(*(k.view.table for k in KINDS), "entity-aliases"),
          dlq_stage="materialize"),
    Stage("rules", "rules_agent", "agents.rules.parse_rule", t.RULES, (),
          writes_tables=("alert-rules",), dlq_stage="alerts"),
    # Alerts are raised by the enrich agent as it makes the records (agents/alerts.py).
    Stage("alerts", "enrich_agent", "agents.rules.match_rule", t.ARTICLES,
          (t.ALERTS,), reads_tables=("alert-rules", "entity-aliases"),
          writes_tables=("alerts-sent", "alert-rate")),
)


#: Tables every worker holds whole (faust GlobalTables): each worker reads all of their
#: changelogs, so their writes count among the messages a worker consumes.
GLOBAL_TABLES = ("entity-aliases", "alert-rules")


def consumed_by_each_worker() -> set[str]:
    """What one worker consumes: the stages' topics (suffixes) and the global changelogs."""
    return {s.consumes for s in STAGES} | {f"{t}-changelog" for t in GLOBAL_TABLES}


def describe() -> str:
    """The graph as text, one stage a block."""
    lines = []
    for s in STAGES:
        lines.append(f"{s.name}  ({s.agent} -> {s.function})")
        lines.append(f"  consumes  {s.consumes}")
        lines.append(f"  produces  {', '.join(s.produces) or '-'}")
        lines.append(f"  dead letters  {s.dead_letters}")
        if s.reads_tables or s.writes_tables:
            lines.append(f"  tables  reads {', '.join(s.reads_tables) or '-'}; "
                         f"writes {', '.join(s.writes_tables) or '-'}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(describe())
