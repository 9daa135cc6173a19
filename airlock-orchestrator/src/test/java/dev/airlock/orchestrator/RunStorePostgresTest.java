package dev.airlock.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The run store on a real PostgreSQL (throwaway cluster on loopback), with the same Flyway migrations as H2. */
class RunStorePostgresTest {
    private static ThrowawayPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        Optional<java.nio.file.Path> bin = ThrowawayPostgres.binaries();
        Assumptions.assumeTrue(bin.isPresent(), "PostgreSQL binaries (initdb, pg_ctl) are not installed: "
                + "run bin/install-prerequisites (apt-get install -y postgresql) to test the PostgreSQL run store");
        pg = ThrowawayPostgres.start(bin.get());
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static DatabaseSettings settings() {
        return new DatabaseSettings(pg.url(), ThrowawayPostgres.USER, pg.passwordFile);
    }

    @Test
    void runsEventsDeliveriesAndBudgetsLiveInPostgres() throws Exception {
        try (RunStore store = RunStore.open(settings())) {
            store.create("pg-1", "/repo", "main", "claude", "ab".repeat(32));
            store.transition("pg-1", RunState.QUEUED, RunState.EXPORTING, null);
            store.record("pg-1", RunStore.Field.BASE_COMMIT, "c0ffee");
            store.event("pg-1", RunState.EXPORTING, "phase", 42L, "commit c0ffee");
            store.transition("pg-1", RunState.EXPORTING, RunState.CODING, null);
            store.recordBudget("pg-1", new BudgetUsage(1200, 345, 1000, 0, Duration.ofMillis(2500),
                    Duration.ofMinutes(30), BudgetUsage.TOKENS));
            store.transition("pg-1", RunState.CODING, RunState.FAILED, "budget exceeded: tokens");
            assertThat(store.firstDelivery("d-1", "issues")).isTrue();
            assertThat(store.firstDelivery("d-1", "issues")).as("replayed delivery").isFalse();
            assertThatThrownBy(() -> store.transition("pg-1", RunState.CODING, RunState.PUBLISHING, null))
                    .isInstanceOf(IllegalTransitionException.class);
        }
        // Reopening finds the schema current (Flyway does not even start) and everything in it.
        try (RunStore store = RunStore.open(settings())) {
            RunRecord r = store.get("pg-1").orElseThrow();
            assertThat(r.state()).isEqualTo(RunState.FAILED);
            assertThat(r.reason()).isEqualTo("budget exceeded: tokens");
            assertThat(r.baseCommit()).isEqualTo("c0ffee");
            assertThat(store.events("pg-1")).extracting(RunEvent::kind)
                    .containsExactly("state", "state", "phase", "state", "state");
            BudgetUsage b = store.budget("pg-1").orElseThrow();
            assertThat(b.totalTokens()).isEqualTo(1545);
            assertThat(b.exceeded()).isEqualTo(BudgetUsage.TOKENS);
            assertThat(b.wallTime()).isEqualTo(Duration.ofMillis(2500));
            assertThat(store.list(10)).extracting(RunRecord::id).containsExactly("pg-1");
        }
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        java.nio.file.Path wrong = java.nio.file.Files.createTempFile("airlock-pg-wrong", "");
        java.nio.file.Files.writeString(wrong, "not-the-password");
        try {
            assertThatThrownBy(() -> RunStore.open(new DatabaseSettings(pg.url(), ThrowawayPostgres.USER, wrong)))
                    .hasMessageContaining("password authentication failed");
        } finally {
            java.nio.file.Files.delete(wrong);
        }
    }
}
