package dev.airlock.orchestrator;

import dev.airlock.core.fs.InterProcessLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;

/**
 * Runs and their events in an embedded H2 database under the data directory, schema managed by Flyway
 * ({@code db/migration}). Every transition is a guarded update ({@code WHERE state = from}), so a replayed or raced
 * transition fails instead of silently overwriting a later state.
 */
public final class RunStore implements AutoCloseable {
    private final Connection db;
    private final Clock clock;

    private RunStore(Connection db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Opens (creating and migrating if needed) {@code <dir>/runs.mv.db}. */
    public static RunStore open(Path dir) throws SQLException {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return open(DatabaseSettings.embedded(dir));
    }

    /** Opens the configured database (embedded H2 or PostgreSQL) and brings its schema up to date with Flyway. */
    public static RunStore open(DatabaseSettings db) throws SQLException {
        String password;
        try {
            password = db.passwordFile() == null ? "" : Files.readString(db.passwordFile()).strip();
        } catch (java.io.IOException e) {
            throw new SQLException("cannot read database.password_file " + db.passwordFile() + ": "
                    + e.getClass().getSimpleName(), e);
        }
        // One migrator at a time: two processes migrating a fresh embedded database at once would both try to create
        // it (PostgreSQL needs no file lock: Flyway takes an advisory lock there).
        Path lock = db.migrationLock();
        // An embedded database whose serving process was killed keeps its lock file until H2 sees it is stale.
        long deadline = System.nanoTime() + STALE_LOCK_WAIT.toNanos();
        while (true) {
            try (InterProcessLock migrating = lock == null ? null
                    : InterProcessLock.acquire(Files.createDirectories(lock.getParent()).resolve(lock.getFileName()))) {
                return new RunStore(seededOrMigrated(db, password), Clock.systemUTC());
            } catch (java.io.IOException e) {
                throw new SQLException("cannot lock " + lock + ": " + e.getMessage(), e);
            } catch (SQLException | org.flywaydb.core.api.FlywayException e) {
                if (!lockedByAnotherProcess(e) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for the run database", e);
            }
        }
    }

    /**
     * A new embedded database starts as a copy of the migrated template ({@link SchemaTemplate}); one that does not
     * open (a damaged cache file) is thrown away with its template, and the database is made in place by Flyway.
     */
    private static Connection seededOrMigrated(DatabaseSettings db, String password) throws SQLException {
        SchemaTemplate.Seeded seeded = SchemaTemplate.seed(db, password);
        if (seeded == null) {
            return migrated(db, password);
        }
        try {
            return migrated(db, password);
        } catch (SQLException | RuntimeException e) {
            if (lockedByAnotherProcess(e)) {
                throw e;
            }
            SchemaTemplate.discard(seeded);
            return migrated(db, password);
        }
    }

    /**
     * The store's connection to a database whose schema is current. Flyway (whose start-up and validation were a few
     * hundred ms of every command) runs only when the recorded schema is behind this build's; a database ahead of it
     * is refused. The connection stays open while Flyway works, so an embedded database is opened once, not twice.
     */
    private static Connection migrated(DatabaseSettings db, String password) throws SQLException {
        Connection c = DriverManager.getConnection(db.url(), db.user(), password);
        try {
            int applied = SchemaVersion.applied(c);
            if (applied > SchemaVersion.LATEST) {
                throw new SQLException("the run database " + db.displayUrl() + " has schema version " + applied
                        + ", newer than this Airlock's (" + SchemaVersion.LATEST + "): run a newer Airlock, or point "
                        + "this one at another data directory or database");
            }
            if (applied < SchemaVersion.LATEST) {
                Flyway.configure().dataSource(db.url(), db.user(), password).locations("classpath:db/migration")
                        .load().migrate();
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static final java.time.Duration STALE_LOCK_WAIT = java.time.Duration.ofSeconds(15);
    /** H2's DATABASE_ALREADY_OPEN_1: another process holds (or held, if it died) the embedded database's lock. */
    private static final int H2_LOCKED_BY_ANOTHER_PROCESS = 90020;

    private static boolean lockedByAnotherProcess(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == H2_LOCKED_BY_ANOTHER_PROCESS) {
                return true;
            }
        }
        return false;
    }

    public synchronized RunRecord create(String id, String repo, String ref, String agent, String taskSha256)
            throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        try (PreparedStatement s = db.prepareStatement("INSERT INTO runs (id, state, repo, ref, agent, task_sha256, "
                + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setString(2, RunState.QUEUED.name());
            s.setString(3, repo);
            s.setString(4, ref);
            s.setString(5, agent);
            s.setString(6, taskSha256);
            s.setTimestamp(7, now);
            s.setTimestamp(8, now);
            s.executeUpdate();
        }
        event(id, RunState.QUEUED, "state", null, "queued");
        return get(id).orElseThrow();
    }

    /**
     * Moves {@code id} from {@code from} to {@code to} whoever owns it; throws if the machine forbids it or the row
     * moved on. For steps outside a driven run (the pull request after {@code done}, an operator's cancel).
     */
    public synchronized void transition(String id, RunState from, RunState to, String reason) throws SQLException {
        transition(id, null, from, to, reason);
    }

    /**
     * Moves {@code id} from {@code from} to {@code to} only while {@code owner} owns it (compare-and-set on state and
     * owner): an orchestrator that lost the run (cancelled, or resumed by another after it was presumed dead) cannot
     * move it. A null owner skips the owner check.
     */
    public synchronized void transition(String id, RunOwner owner, RunState from, RunState to, String reason)
            throws SQLException {
        if (!from.allows(to)) {
            throw new IllegalTransitionException(id, from, to);
        }
        try (PreparedStatement s = db.prepareStatement("UPDATE runs SET state = ?, reason = ?, updated_at = ? "
                + "WHERE id = ? AND state = ?" + (owner == null ? "" : " AND owner = ?"))) {
            s.setString(1, to.name());
            s.setString(2, reason);
            s.setTimestamp(3, Timestamp.from(clock.instant()));
            s.setString(4, id);
            s.setString(5, from.name());
            if (owner != null) {
                s.setString(6, owner.toString());
            }
            if (s.executeUpdate() != 1) {
                throw new IllegalTransitionException(id, from, to);
            }
        }
        event(id, to, "state", null, reason == null ? to.label() : to.label() + ": " + reason);
    }

    /**
     * Makes {@code owner} the driver of a run that is not finished and is owned by {@code previous} (null: by
     * nobody); false if another claimed it first or it finished. The compare-and-set is what keeps two
     * {@code airlock resume}s from both driving one run.
     */
    public synchronized boolean claim(String id, RunOwner previous, RunOwner owner) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("UPDATE runs SET owner = ?, updated_at = ? WHERE id = ? AND "
                + (previous == null ? "owner IS NULL" : "owner = ?")
                + " AND state NOT IN ('DONE', 'PR_OPENED', 'FAILED', 'CANCELLED')")) {
            s.setString(1, owner.toString());
            s.setTimestamp(2, Timestamp.from(clock.instant()));
            s.setString(3, id);
            if (previous != null) {
                s.setString(4, previous.toString());
            }
            return s.executeUpdate() == 1;
        }
    }

    /** Remembers a role process of a run, so that it can be found and killed if the orchestrator dies. */
    public synchronized void addProcess(String id, Role role, RoleProcess process) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "MERGE INTO run_processes (run_id, role, pid, started_ms) KEY (run_id, pid, started_ms) VALUES (?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setString(2, role.name());
            s.setLong(3, process.pid());
            s.setLong(4, process.startedMillis());
            s.executeUpdate();
        }
    }

    public synchronized void removeProcess(String id, RoleProcess process) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "DELETE FROM run_processes WHERE run_id = ? AND pid = ? AND started_ms = ?")) {
            s.setString(1, id);
            s.setLong(2, process.pid());
            s.setLong(3, process.startedMillis());
            s.executeUpdate();
        }
    }

    /** The role processes recorded for a run (each may have exited since). */
    public synchronized List<RoleProcess> processes(String id) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT role, pid, started_ms FROM run_processes WHERE run_id = ? ORDER BY started_ms")) {
            s.setString(1, id);
            List<RoleProcess> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new RoleProcess(Role.valueOf(r.getString(1)), r.getLong(2), r.getLong(3)));
                }
            }
            return out;
        }
    }

    /** Runs not finished whose owner is no longer alive: what {@code airlock resume --all} picks up. */
    public synchronized List<RunRecord> orphaned() throws SQLException {
        List<RunRecord> out = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("SELECT * FROM runs WHERE state NOT IN "
                + "('DONE', 'PR_OPENED', 'FAILED', 'CANCELLED') ORDER BY created_at, id");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                RunRecord run = row(r);
                if (run.owner() == null || !RunOwner.parse(run.owner()).alive()) {
                    out.add(run);
                }
            }
        }
        return out;
    }

    /** Records a fact learned in a phase (a column of {@link Field}); a resumed run continues from these. */
    public synchronized void record(String id, Field field, String value) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("UPDATE runs SET " + field.column + " = ?, updated_at = ? WHERE id = ?")) {
            s.setString(1, value);
            s.setTimestamp(2, Timestamp.from(clock.instant()));
            s.setString(3, id);
            s.executeUpdate();
        }
    }

    /**
     * Remembers a webhook delivery id; false if it was seen before (a replay), so the caller does nothing again.
     * The primary key makes this atomic even for two deliveries racing.
     */
    public synchronized boolean firstDelivery(String deliveryId, String event) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "INSERT INTO webhook_deliveries (delivery_id, event, received_at) VALUES (?, ?, ?)")) {
            s.setString(1, deliveryId);
            s.setString(2, event);
            s.setTimestamp(3, Timestamp.from(clock.instant()));
            s.executeUpdate();
            return true;
        } catch (SQLException e) {
            // H2 throws the JDBC subclass; PostgreSQL a plain SQLException with SQLState 23505 (unique violation).
            if (e instanceof java.sql.SQLIntegrityConstraintViolationException || "23505".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** The URL of the draft pull request a run opened, if any. */
    public synchronized Optional<String> pullRequest(String id) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT pull_request FROM runs WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
            }
        }
    }

    /** Ties {@code id} to an issue of {@code repository} and its progress comment (once, when the run starts). */
    public synchronized void linkGitHub(String id, String repository, int issue, long progressComment)
            throws SQLException {
        try (PreparedStatement s = db.prepareStatement("INSERT INTO github_runs (run_id, repository, issue_number, "
                + "progress_comment) VALUES (?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setString(2, repository);
            s.setInt(3, issue);
            s.setLong(4, progressComment);
            s.executeUpdate();
        }
    }

    public synchronized Optional<GitHubLink> gitHubLink(String id) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT * FROM github_runs WHERE run_id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                long comment = r.getLong("progress_comment");
                Long progress = r.wasNull() ? null : comment;
                int number = r.getInt("pull_number");
                Integer pull = r.wasNull() ? null : number;
                return Optional.of(new GitHubLink(id, r.getString("repository"), r.getInt("issue_number"), progress,
                        pull, r.getString("pushed_commit"), r.getInt("revisions"), r.getLong("review_cursor")));
            }
        }
    }

    /** The draft pull request a run opened and the commit it presents. */
    public synchronized void recordPullRequest(String id, int pullNumber, String pushedCommit) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "UPDATE github_runs SET pull_number = ?, pushed_commit = ? WHERE run_id = ?")) {
            s.setInt(1, pullNumber);
            s.setString(2, pushedCommit);
            s.setString(3, id);
            s.executeUpdate();
        }
    }

    /**
     * Counts one more revision of {@code id} (pushed or not: the budget is spent either way) and remembers the review
     * comments it covered; {@code pushedCommit} is the new head when it pushed, else null (the head stays).
     */
    public synchronized void recordRevision(String id, String pushedCommit, long reviewCursor) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("UPDATE github_runs SET revisions = revisions + 1, "
                + "pushed_commit = COALESCE(?, pushed_commit), review_cursor = GREATEST(review_cursor, ?) "
                + "WHERE run_id = ?")) {
            s.setString(1, pushedCommit);
            s.setLong(2, reviewCursor);
            s.setString(3, id);
            s.executeUpdate();
        }
    }

    /** The GitHub link of the run that opened pull request {@code pull} in {@code repository}, if Airlock did. */
    public synchronized Optional<GitHubLink> gitHubRunForPull(String repository, int pull) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT run_id FROM github_runs WHERE repository = ? AND pull_number = ?")) {
            s.setString(1, repository);
            s.setInt(2, pull);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? gitHubLink(r.getString(1)) : Optional.empty();
            }
        }
    }

    public enum Field {
        BASE_COMMIT("base_commit"), INPUT_ID("input_id"), OUTPUT_ID("output_id"), BRANCH("branch"), PULL_REQUEST("pull_request"),
        COMMIT_TIME("commit_time"), GUARD_POLICY("guard_policy");

        private final String column;

        Field(String column) {
            this.column = column;
        }
    }

    public synchronized void event(String id, RunState state, String kind, Long millis, String message)
            throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "INSERT INTO run_events (run_id, at, state, kind, millis, message) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setTimestamp(2, Timestamp.from(clock.instant()));
            s.setString(3, state.name());
            s.setString(4, kind);
            if (millis == null) {
                s.setNull(5, java.sql.Types.BIGINT);
            } else {
                s.setLong(5, millis);
            }
            s.setString(6, message == null ? null : truncate(message));
            s.executeUpdate();
        }
    }

    public synchronized Optional<RunRecord> get(String id) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT * FROM runs WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        }
    }

    /** The newest {@code limit} runs, newest first. */
    public synchronized List<RunRecord> list(int limit) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?")) {
            s.setInt(1, limit);
            List<RunRecord> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(row(r));
                }
            }
            return out;
        }
    }

    public synchronized List<RunEvent> events(String id) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT * FROM run_events WHERE run_id = ? ORDER BY seq")) {
            s.setString(1, id);
            List<RunEvent> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long raw = r.getLong("millis");
                    Long millis = r.wasNull() ? null : raw;
                    out.add(new RunEvent(r.getLong("seq"), r.getTimestamp("at").toInstant(),
                            RunState.valueOf(r.getString("state")), r.getString("kind"), millis,
                            r.getString("message")));
                }
            }
            return out;
        }
    }

    /** Records what a run spent against its budgets (once per run; a second call replaces the first). */
    public synchronized void recordBudget(String id, BudgetUsage u) throws SQLException {
        try (PreparedStatement d = db.prepareStatement("DELETE FROM run_budgets WHERE run_id = ?")) {
            d.setString(1, id);
            d.executeUpdate();
        }
        try (PreparedStatement s = db.prepareStatement("INSERT INTO run_budgets (run_id, input_tokens, output_tokens, "
                + "token_budget, unmetered, wall_millis, wall_budget_millis, exceeded) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setLong(2, u.inputTokens());
            s.setLong(3, u.outputTokens());
            s.setLong(4, u.tokenBudget());
            s.setLong(5, u.unmetered());
            s.setLong(6, u.wallTime().toMillis());
            s.setLong(7, u.wallBudget().toMillis());
            s.setString(8, u.exceeded());
            s.executeUpdate();
        }
    }

    /** What the run spent against its budgets, if its coding phase ran (for {@code airlock show} and the PR body). */
    public synchronized Optional<BudgetUsage> budget(String id) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT * FROM run_budgets WHERE run_id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new BudgetUsage(r.getLong("input_tokens"), r.getLong("output_tokens"),
                        r.getLong("token_budget"), r.getLong("unmetered"),
                        java.time.Duration.ofMillis(r.getLong("wall_millis")),
                        java.time.Duration.ofMillis(r.getLong("wall_budget_millis")), r.getString("exceeded")));
            }
        }
    }

    private static RunRecord row(ResultSet r) throws SQLException {
        return new RunRecord(r.getString("id"), RunState.valueOf(r.getString("state")), r.getString("reason"),
                r.getString("repo"), r.getString("ref"), r.getString("agent"), r.getString("task_sha256"),
                r.getString("base_commit"), r.getString("input_id"), r.getString("output_id"), r.getString("branch"),
                instant(r.getTimestamp("created_at")), instant(r.getTimestamp("updated_at")), r.getString("owner"),
                commitTime(r), r.getString("guard_policy"));
    }

    private static Long commitTime(ResultSet r) throws SQLException {
        long v = r.getLong("commit_time");
        return r.wasNull() ? null : v;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String truncate(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 3990) + "…";
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing an embedded database we are done with; nothing to recover
        }
    }
}
