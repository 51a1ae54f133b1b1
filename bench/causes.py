"""Why a figure misses its target: the likely cause and the fix, as measured and read so far.

RESULTS.md is rewritten by every run; the analysis lives here so it stays beside the table. A
cause is attached to a figure (by section and the start of its name) only when the figure misses.
"""

from __future__ import annotations

from bench.report import Figure

CAUSES: dict[tuple[str, str], str] = {
    ("1 Slack path", "p99 latency"): (
        "the ack itself: Cadence's ack does the bare app's work (Bolt's signature check and dispatch) plus "
        "its own door checks and the hand-off of the answer (bot/handlers/slack/routes.py, listeners.py, "
        "bot/handlers/ack_first.py), about 1.2-1.3x the bare app's CPU per request in a probe (/proc/PID/stat "
        "over 2,000-click bursts), and a closed loop of 50 in flight queues about 50/throughput (Little's "
        "law). Cadence and the bare app take turns in rounds (bench/rounds.py), so a machine that slows "
        "down during the run slows both; a miss with the load average near nproc is other work on the "
        "cores. Answers worked out inside a burst would show here too: they wait while acks are waiting or "
        "arriving in a burst (bot/handlers/ack_first.py), so a load generator that stalls lets some start. The "
        "load generator's own full garbage collections (about 60 ms over the seeded app's heap) once stalled "
        "every request in flight and read as our p99 in one run of three (96 ms against 21-28 ms), and as the bare "
        "app's in others (its p99 read 25-99 ms); the client now freezes its heap while it measures (bench/load.py "
        "client_heap_frozen). Since then the bare app's p99 reads 14-19 ms and ours 19-33 ms (37.6 ms before "
        "Issues 16 and 18): the 1.5x ratio was met before partly because the client's stalls inflated the "
        "baseline. Ours now sits near the line (1.41x in RESULTS.md, 0.99x-2.35x over the day's runs): the "
        "slowest 1% come together, about 60-90 ms into a round of 500, while all 50 connections are in flight; "
        "the server's own collections were logged (gc.callbacks) and none took over 2 ms inside a round, so the "
        "tail is the ack's extra CPU queueing behind 50 in flight. In py-spy the extra was mostly Bolt's "
        "argument injection for a function middleware (the workspace pin, now a middleware class: 2,885 -> "
        "3,266 req/s) and Bolt's kwargs for our listeners. For a busy host: more "
        "`cadence serve` workers (one per core)."),
    ("2 Teams path", "p99 latency"): (
        "the acks are cheap (the activity is read and authenticated, then 202 and the turn runs after, "
        "bot/handlers/ack_first.py), so a miss here is the machine: 50 in flight queue about 50/throughput "
        "(Little's law) on two cores shared with the load generator; see the load average above."),
    ("3 planning at scale", "planning time per colleague"): (
        "the planner's cost per colleague rises with the outbox, so some batch read no longer uses its "
        "index: each batch looks its keys up on the unique dedupe_key index and its scope's pending rows up "
        "by review_id or subject_person_id (organisations' rows once per pass, all together). A "
        "status = 'pending' condition in those queries makes an unanalysed SQLite choose the (status, due_at) "
        "index and read every pending row of the outbox for each batch; EXPLAIN QUERY PLAN shows which "
        "index a query takes."),
    ("3 planning at scale", "peak planning memory"): (
        "something is held across batches: the fact source keeps only the organisations with their role "
        "holders, and the planner the organisations' pending rows of one pass (a few per organisation); "
        "rows per colleague kept beyond one batch of 500 would show here."),
    ("3 planning at scale", "dispatch claim"): (
        "the claim's ORDER BY due_at, id LIMIT n over the (status, due_at) index: see the slowest claim in the "
        "note; PostgreSQL's FOR UPDATE SKIP LOCKED subquery re-sorts when the planner statistics are stale."),
    ("1 Slack path", "every answer sent"): (
        "the answers' own CPU on one process: the acks of a 500-click burst finish in a fraction of a second, then "
        "the 500 `status` answers run one after another on one core (Python runs one at a time; ack_first lets "
        "them through once the acks are out). Since Issues 16 and 18 each answer is one unit of work (one session, "
        "one commit, the audit row inside it), its nine SELECTs are built once (store/repos/statements.py) and each "
        "makes one trip to SQLite's thread, not four (store/sqlite_one_hop.py): in-process a `status` answer went "
        "from 9.3 ms to 4-7 ms of CPU depending on the machine's speed that hour, so 500 of them are still 2-3.5 s "
        "of one core whatever the order, plus the posts. In a cProfile of 200 `status` answers (bench.tap's "
        "300-person trust, answered in-process) about two thirds of status_command is the team snapshot's "
        "reads (store/repos/reviews.py status_snapshot: SQLAlchemy's per-statement work more than SQLite's), a "
        "fifth the audit row (an ORM object and its flush), the lifecycle a twentieth. Fix: one `cadence serve` "
        "worker per core (a burst spreads over them); then a status snapshot kept per person until one of its "
        "facts changes (the plan_change versions already say when)."),
    ("6 tap to answer", "p99 tap to answer"): (
        "the answer's work, not the ack: each tap's answer runs after its ack on the same event loop, one person's "
        "answers in order (bot.handlers.ack_first), at the CPU and query counts in the 'CPU per answer' rows, "
        "against the bare app's one primary-key read and one post (about 1.5 ms). At 25 taps a second a few "
        "answers arrive together now and then and wait for each other; the slowest kind, `status` (the team "
        "snapshot: about 9 queries and 4-7 ms of CPU, see 'every answer sent' for its profile), sets p99. The "
        "load generator, the stand-in and both servers share two cores, so the load average moves the tail. "
        "Before Issue 18's answer work the p50 was 9.3 s (ack_first held every answer for a silence a steady "
        "stream never leaves); since then the answers' cost went down by half (one unit a turn, prebuilt "
        "statements, one SQLite trip per statement, the kept-alive Web API session). Fix: the same as the "
        "burst's (more workers; a cached status snapshot)."),
    ("3 planning at scale", "pass over an unchanged trust"): (
        "what an unchanged pass still does: it reads plan_change (one row per colleague) for who moved, replans "
        "every organisation (one delegated_statements query each: a thousand at 100,000 colleagues) and the "
        "colleagues whose check-in series the day moved (about one in fourteen on a fortnightly cadence, "
        "plan_change.replan_on); a miss with 'FULL' in the note means the pass could not be incremental (a "
        "first pass, a changed fingerprint or trust-wide change)."),
    ("3 planning at scale", "one answer's replan"): (
        "a replan's small queries: about 17 (the colleague's reviews, person row, managers, meetings, answers, "
        "signatures, appeals, exceptions, check-ins and plans; the planner's existing rows and scope; the insert; "
        "the plan_change mark), in one unit since Issue 18 (one session, one commit), built once "
        "(store/repos/planning_statements.py). Timed with SQLAlchemy's cursor events over 30 replans on a "
        "1,000-colleague trust: about 3 ms inside SQLite, the rules 0.25 ms, the rest SQLAlchemy's per-statement "
        "work and the hops to SQLite's thread; in a process that has just planned a large trust a garbage "
        "collection now and then adds about 1 ms (7.5 ms with gc disabled against 8.6 ms). It was 22 ms and 23 "
        "queries, each repository call its own session."),
    ("5 start-up", "cadence serve to healthy"): (
        "imports, and most of them the floor of any app on this stack. `python -X importtime -m bot serve` "
        "(self times, summed per package, on this machine): SQLAlchemy 175 ms, store (SQLModel building the "
        "forty-odd table classes) 125 ms, aiohttp 88 ms (the bare app pays it too), Cadence's own modules 76 ms, "
        "pydantic with pydantic-settings 59 ms, slack_bolt and slack_sdk 51 ms, rich and typer (the CLI) 37 ms, "
        "yaml 10 ms; importlib.metadata's entry-point scans about 30 ms (pydantic's plugin loader, APScheduler's "
        "trigger lookup). Already lazy: Alembic (a database at head costs one SELECT), the Teams SDK (the first "
        "Teams activity or send), documents, charts, icalendar, rapidfuzz and bank holidays; the scheduler "
        "starts after /healthz answers and the garbage collector is off until the start-up heap is frozen. "
        "2.5x the bare app would be about 750 ms, less than SQLAlchemy, the models, aiohttp and Bolt take "
        "together; what is left could only move to the first request, which a person would then wait for."),
    ("5 start-up", "idle resident memory"): (
        "the same imports held in memory (SQLAlchemy's and SQLModel's classes, Bolt, the dialogs); the Teams SDK "
        "(about 20 MiB with msrest, requests and urllib3) loads only when Teams is used."),
    ("4 delivery under rate limits", "achieved rate"): (
        "the pacing leaves little slack on a loaded machine. Cadence paces itself to the limits "
        "(bot/handlers/slack/pacing.py: a DM's next message goes one second after Slack answered the previous "
        "one; at most 50 sends hold a place in any second, each until one second after its answer) and the "
        "dispatcher delivers a batch concurrently, one lane per person in due order (bot/scheduler/dispatcher.py), "
        "so every answer's round trip and the tick's own work (claim, one query for the recipients, one "
        "transaction for the pass's outcomes) add to each one-second cycle: with the cores busy (see the load "
        "average) the cycle stretches. 429s in the note mean the pacing was beaten (another process posting to "
        "the same workspace); each pauses that conversation and the workspace for its Retry-After. Fix: keep "
        "the bench off a machine running other suites; the rate is the stand-in's limit, not Cadence's. (A "
        "figure above 1.00 is not a breach: the first second's 50 go at once, which a one-second window allows, "
        "and the rate is counted from the first tick.)"),
    ("4 delivery under rate limits", "reminders delivered"): (
        "rows still pending or failed when the bounded run ended: see the outbox counts in the note."),
}

# Known costs that have no target in the issue but that the table shows (see RESULTS.md notes).
OBSERVATIONS = [
    "A full planning pass costs about 0.5-0.9 ms per colleague on this machine. Profile of a 10,000-colleague "
    "pass: about a quarter is the rules themselves (bot/scheduler/rules.py, about eleven reminders per colleague "
    "with their wording), a quarter SQLAlchemy binding parameters (the executemany insert of new rows, the IN "
    "lists of each batch's keys and ids), a fifth waiting on SQLite's thread, the rest reading light rows and "
    "comparing. It was 20 ms per colleague while the planner built an ORM Reminder per row, then 2.5-3 ms while "
    "each batch's scope query read every pending row of the outbox (planning then grew with the outbox).",
    "Planning: a pass replans only the colleagues whose facts changed (triggers bump plan_change in the "
    "change's own transaction, migration 0018) and those the moving span reaches; before Issue 18 an "
    "unchanged 100,000-colleague pass took 62 s against 68 s for the first. One colleague's replan (after an "
    "answer) runs in one unit: 22 ms and 23 queries before, about 7-9 ms and 17 queries after "
    "(tests/scheduler/test_incremental.py proves it plans what a full pass plans, in one commit).",
    "Enrolment (bot.enrolment.enrol_all -> store.repos.reviews.Reviews.ensure_reviews) creates one ORM Review at a "
    "time, about 1 ms each: 100 s for 100,000 colleagues before planning starts. The generator writes reviews in "
    "bulk to keep that out of the planning figure.",
    "The answers after the acks cost far more than the acks: a `status` answer is about 9 queries and 4-7 ms of "
    "CPU in-process (it was 25-60 ms and 25-57 queries while it read each colleague's review one at a time, then "
    "8-12 ms with a session per repository call and four thread hops per query), against well under 1 ms per "
    "ack. Queries per turn, counted with SQLAlchemy's before_cursor_execute on the demo trust before and after "
    "Issue 16 (statements / connection checkouts / commits): status 8/3/1 -> 9/1/1 (the extra read is the "
    "lifecycle's exceptions), a completing preparation turn 15/10/6 -> 14/1/1.",
    "Start-up is mostly imports (see the start-up cause for the list). Before Issue 18 botbuilder (0.3 s, 20 MiB), "
    "Alembic (0.15 s, run on every start), holidays, documents and charts were loaded too, and with "
    "PYTHONDONTWRITEBYTECODE set the benchmark compiled Cadence's modules on every start: 1.8 s and 131 MiB "
    "then, about 1.4 s and 93 MiB now on this machine.",
]


def cause_of(figure: Figure) -> str | None:
    if figure.met is not False:
        return None
    for (section, prefix), text in CAUSES.items():
        if figure.section == section and figure.name.startswith(prefix):
            return text
    return None
