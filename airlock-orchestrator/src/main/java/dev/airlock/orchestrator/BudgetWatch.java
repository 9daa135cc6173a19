package dev.airlock.orchestrator;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Enforces a run's {@link Budgets} from outside the agent while its coding phase runs: every
 * {@value #POLL_MILLIS} ms it checks the wall time and asks the egress guard how many LLM tokens it counted; when a
 * budget is spent it kills the agent role's whole process tree (the sandbox included) and remembers which budget.
 * The guard refuses further LLM requests on its own at the same point, so the agent cannot outrun the poll by much.
 */
final class BudgetWatch implements AutoCloseable {
    static final long POLL_MILLIS = 250;

    /** Where token counts come from: the guard role (null source = no guard, tokens not counted). */
    interface TokenSource {
        GuardRole.TokenCount usage() throws IOException;
    }

    private final Budgets budgets;
    private final TokenSource tokens;
    private final long start = System.nanoTime();
    private ScheduledExecutorService timer;
    private volatile Process agent;
    private volatile String exceeded;
    private volatile GuardRole.TokenCount last = new GuardRole.TokenCount(0, 0, 0);
    private volatile long stoppedNanos = -1;

    BudgetWatch(Budgets budgets, TokenSource tokens) {
        this.budgets = budgets;
        this.tokens = tokens;
    }

    /** Starts watching {@code p} (the agent role process). */
    void watch(Process p) {
        agent = p;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "airlock-budget-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void check() {
        if (exceeded != null) {
            return;
        }
        if (Duration.ofNanos(System.nanoTime() - start).compareTo(budgets.wallTime()) >= 0) {
            stop(BudgetUsage.WALL_TIME);
            return;
        }
        poll();
        if (budgets.tokensLimited() && last.total() >= budgets.tokens()) {
            stop(BudgetUsage.TOKENS);
        }
    }

    private void poll() {
        if (tokens == null) {
            return;
        }
        try {
            last = tokens.usage();
        } catch (IOException e) {
            // The guard ended or is busy; the next poll (or the final one) tries again.
        }
    }

    private synchronized void stop(String which) {
        if (exceeded != null) {
            return;
        }
        exceeded = which;
        stoppedNanos = System.nanoTime();
        Process p = agent;
        if (p != null) {
            ProcessTree.kill(p);
        }
    }

    /** The budget that stopped the agent, or null. */
    String exceeded() {
        return exceeded;
    }

    /** What the coding phase spent; call after {@link #close()} and before the guard stops. */
    BudgetUsage used() {
        long end = stoppedNanos > 0 ? stoppedNanos : System.nanoTime();
        GuardRole.TokenCount t = last;
        String why = exceeded;
        if (why == null && budgets.tokensLimited() && t.total() >= budgets.tokens()) {
            // Spent in the last poll interval: the guard already refuses further LLM calls; the run still ends here.
            why = BudgetUsage.TOKENS;
        }
        return new BudgetUsage(t.inputTokens(), t.outputTokens(), budgets.tokens(), t.unmetered(),
                Duration.ofNanos(end - start), budgets.wallTime(), why);
    }

    /** Stops polling and takes the guard's final count. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        poll();
    }
}
