package dev.airlock.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BudgetWatchTest {
    private static Process sleeper() throws Exception {
        // A child that has children of its own, like the agent role and its sandbox.
        return new ProcessBuilder("bash", "-c", "sleep 60 & sleep 60; wait").start();
    }

    @Test
    void spentTokensKillTheAgentTreeAndAreRecorded() throws Exception {
        AtomicLong output = new AtomicLong();
        try (BudgetWatch watch = new BudgetWatch(new Budgets(Duration.ofMinutes(5), 1000),
                () -> new GuardRole.TokenCount(600, output.addAndGet(150), 0))) {
            Process p = sleeper();
            var children = descendantsOnceForked(p);
            assertThat(children).isNotEmpty();
            watch.watch(p);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("agent killed").isTrue();
            assertThat(children).allSatisfy(c -> assertThat(c.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse());
            assertThat(watch.exceeded()).isEqualTo(BudgetUsage.TOKENS);
            watch.close();
            BudgetUsage used = watch.used();
            assertThat(used.exceeded()).isEqualTo(BudgetUsage.TOKENS);
            assertThat(used.totalTokens()).isGreaterThanOrEqualTo(1000);
            assertThat(used.tokenBudget()).isEqualTo(1000);
            assertThat(used.describe()).contains("of 1000").contains("tokens budget exceeded");
        }
    }

    @Test
    void wallTimeKillsTheAgent() throws Exception {
        try (BudgetWatch watch = new BudgetWatch(new Budgets(Duration.ofMillis(600), 0), null)) {
            Process p = sleeper();
            watch.watch(p);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            watch.close();
            BudgetUsage used = watch.used();
            assertThat(used.exceeded()).isEqualTo(BudgetUsage.WALL_TIME);
            assertThat(used.wallTime()).isBetween(Duration.ofMillis(600), Duration.ofSeconds(5));
            assertThat(used.totalTokens()).isZero();
        }
    }

    @Test
    void withinBudgetNothingHappens() throws Exception {
        try (BudgetWatch watch = new BudgetWatch(new Budgets(Duration.ofMinutes(5), 1000),
                () -> new GuardRole.TokenCount(10, 5, 1))) {
            Process p = new ProcessBuilder("sleep", "1").start();
            watch.watch(p);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            watch.close();
            assertThat(watch.used()).satisfies(u -> {
                assertThat(u.exceeded()).isNull();
                assertThat(u.totalTokens()).isEqualTo(15);
                assertThat(u.unmetered()).isEqualTo(1);
            });
        }
    }

    /** The shell forks its children a moment after it starts; a loaded machine may take well over 200 ms. */
    private static java.util.List<ProcessHandle> descendantsOnceForked(Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        var children = p.descendants().toList();
        while (children.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            children = p.descendants().toList();
        }
        return children;
    }
}
