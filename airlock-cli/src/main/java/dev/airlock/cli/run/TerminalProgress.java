package dev.airlock.cli.run;

import dev.airlock.orchestrator.RunListener;
import dev.airlock.orchestrator.RunState;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress for a person at a terminal: the phase in flight stays on one line whose elapsed time ticks in place;
 * finished phases stay behind as the same lines {@link LocalPipeline.PlainProgress} prints, so a scrolled-back
 * terminal reads like a log. Used only when standard output is a terminal (never when it is piped or captured).
 */
final class TerminalProgress implements RunListener, AutoCloseable {
    /** Carriage return, then erase to the end of the line. */
    private static final String REWRITE = "\r\033[K";
    private final PrintStream out;
    private final LongSupplier nanos;
    private final ScheduledExecutorService ticker;
    private String inFlight;
    private long startedNanos;

    /** Redraws the line in flight every {@code tick} on a daemon thread of its own. */
    static TerminalProgress ticking(PrintStream out, Duration tick) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("airlock-progress").unstarted(r));
        TerminalProgress p = new TerminalProgress(out, System::nanoTime, ticker);
        ticker.scheduleAtFixedRate(p::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        return p;
    }

    TerminalProgress(PrintStream out, LongSupplier nanos, ScheduledExecutorService ticker) {
        this.out = out;
        this.nanos = nanos;
        this.ticker = ticker;
    }

    @Override
    public synchronized void phaseStarted(String run, RunState phase) {
        inFlight = String.format(Locale.ROOT, "%-12s run %s", phase.label(), run);
        startedNanos = nanos.getAsLong();
        tick();
    }

    @Override
    public synchronized void phaseFinished(String run, RunState phase, Duration elapsed, String detail) {
        out.print(REWRITE);
        out.printf(Locale.ROOT, "%-12s done in %s: %s%n", phase.label(), LocalPipeline.millis(elapsed.toNanos()), detail);
        out.flush();
        inFlight = null;
    }

    /** Rewrites the line in flight with its elapsed time; nothing when no phase is running. */
    synchronized void tick() {
        if (inFlight != null) {
            out.print(REWRITE + inFlight + " … " + LocalPipeline.millis(nanos.getAsLong() - startedNanos));
            out.flush();
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (inFlight != null) {
            out.println();
            inFlight = null;
        }
    }
}
