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
        "cores. Answers worked out inside a burst would show here too: they wait while acks are arriving "
        "(ack_first's quiet gap, 0.1 s), so a load generator that stalls that long lets some start. For a "
        "busy host: more `cadence serve` workers (one per core)."),
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
        "the answers' own cost: a burst of 500 `status` clicks queued on one process at about 8-12 ms of CPU and "
        "7-10 queries each (bench section 6's 'CPU per answer' and its queries) is 4-6 s of work whatever the "
        "order; the acks finish in a fraction of a second, so the last answer goes out seconds after the last "
        "ack. Each repository call opens and closes its own session, and each query takes about four thread "
        "hops through aiosqlite (RESULTS.md's observations). Fix: one session a turn "
        "(store/unit.py, Issue 16) and fewer, wider reads in the status snapshot; for a busy host, one "
        "`cadence serve` worker per core."),
    ("6 tap to answer", "p99 tap to answer"): (
        "the answer's work, not the ack: each tap's answer runs after its ack on the same event loop, one person's "
        "answers in order (bot.handlers.ack_first), at the CPU and query counts in the 'CPU per answer' rows. At 25 "
        "taps a second that is a quarter to a half of one core, so answers that arrive together wait for each "
        "other, and the slowest kind (status: the team's snapshot) sets p99. The bare app does one primary-key read "
        "and one post. In a cProfile of bench/tap_server.py answering 190 `status` taps, about half of "
        "status_command's time went to the audit row's own write transaction (store/repos/audit.py: who looked at "
        "which record, Policy 10.1) and most of the rest to the status snapshot's reads. Fix: cheaper answers "
        "(the audit row in the turn's one transaction, store/unit.py; the snapshot in fewer queries), then more "
        "workers; see also the load average: two cores shared with the load generator and the stand-in."),
    ("3 planning at scale", "pass over an unchanged trust"): (
        "what an unchanged pass still does: it reads plan_change (one row per colleague) for who moved, replans "
        "every organisation (one delegated_statements query each: a thousand at 100,000 colleagues) and the "
        "colleagues whose check-in series the day moved (about one in fourteen on a fortnightly cadence, "
        "plan_change.replan_on); a miss with 'FULL' in the note means the pass could not be incremental (a "
        "first pass, a changed fingerprint or trust-wide change)."),
    ("3 planning at scale", "one answer's replan"): (
        "about 19 queries for one colleague (bot.scheduler.facts reads reviews, people, managers, meetings, "
        "answers, signatures, appeals, notices, check-ins and plans; the planner its existing rows; then it marks "
        "plan_change), each repository call opening its own session (a connection checkout and a rollback). "
        "Fix: one session for the replan (store/unit.py), and the person row and manager read once for both "
        "scopes."),
    ("5 start-up", "cadence serve to healthy"): (
        "imports: store.models builds every SQLModel table class (about a third of the start), then SQLAlchemy, "
        "slack_bolt and slack_sdk, pydantic-settings, typer and rich for the CLI; aiohttp the bare app loads too. "
        "Already lazy: Alembic (a database at head costs one SELECT), the Teams SDK (on the first Teams activity "
        "or send), bank holidays, documents and charts. `python -X importtime -m bot serve` lists the rest."),
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
    "Planning costs about 1-1.4 ms per colleague on this machine, and a second pass that changes nothing "
    "nearly as much as the first (it reads and works out everything again, only writes nothing), so 100,000 "
    "colleagues take a couple of minutes a pass. Profile of a 10,000-colleague pass: about a quarter is the "
    "rules themselves (bot/scheduler/rules.py, about eleven reminders per colleague with their wording), a "
    "quarter SQLAlchemy binding parameters (the executemany insert of new rows, the IN lists of each "
    "batch's keys and ids), a fifth waiting on SQLite's thread, the rest reading light rows and comparing. "
    "It was 20 ms per colleague while the planner built an ORM Reminder per row, then 2.5-3 ms while each "
    "batch's scope query read every pending row of the outbox (planning then grew with the outbox).",
    "Enrolment (bot.enrolment.enrol_all -> store.repos.reviews.Reviews.ensure_reviews) creates one ORM Review at a time, "
    "about 1 ms each: 100 s for 100,000 colleagues before planning starts. The generator writes reviews in "
    "bulk to keep that out of the planning figure.",
    "The answers after the acks cost far more than the acks: about 8-12 ms of CPU per `status` click (7-10 "
    "queries through SQLAlchemy's async session and aiosqlite's thread, each query about four thread hops; "
    "then chat.postMessage), against well under 1 ms per ack, so a round of 500 clicks takes one process "
    "several seconds to answer (\"every answer sent\" in the table). It was 25-60 ms and 25-57 queries "
    "while `status` read each colleague's review, meetings and appeals one query at a time; a test now "
    "pins its query count whatever the team's size.",
    "Start-up is mostly imports: store.models alone takes about 0.5 s (SQLModel builds every table class), "
    "then slack_bolt and the CLI's typer and rich. Before Issue 18 botbuilder (0.3 s, 20 MiB), Alembic "
    "(0.15 s, run on every start) and holidays were loaded too, and with PYTHONDONTWRITEBYTECODE set the "
    "benchmark compiled Cadence's modules on every start.",
    "Planning: a pass replans only the colleagues whose facts changed (triggers bump plan_change in the "
    "change's own transaction, migration 0018) and those the moving span reaches; before Issue 18 an "
    "unchanged 100,000-colleague pass took 62 s against 68 s for the first.",
]


def cause_of(figure: Figure) -> str | None:
    if figure.met is not False:
        return None
    for (section, prefix), text in CAUSES.items():
        if figure.section == section and figure.name.startswith(prefix):
            return text
    return None
