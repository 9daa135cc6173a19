package dev.airlock.orchestrator;

import java.time.Duration;
import java.util.Objects;

/**
 * What one run may spend, enforced outside the agent: wall time of the coding phase (the orchestrator stops the agent
 * role) and LLM tokens (the egress guard counts them from the API responses and refuses further LLM requests; the
 * orchestrator stops the run).
 *
 * @param wallTime coding-phase wall time
 * @param tokens   input plus output tokens over the whole run; 0 = not limited
 */
public record Budgets(Duration wallTime, long tokens) {
    public static final Budgets DEFAULT = new Budgets(Duration.ofMinutes(30), 0);

    public Budgets {
        Objects.requireNonNull(wallTime, "wallTime");
        if (wallTime.isNegative() || wallTime.isZero()) {
            throw new IllegalArgumentException("the wall-time budget must be positive, got " + wallTime);
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("the token budget must be 0 (unlimited) or positive, got " + tokens);
        }
    }

    public boolean tokensLimited() {
        return tokens > 0;
    }

    public Budgets withWallTime(Duration v) {
        return new Budgets(v, tokens);
    }

    public Budgets withTokens(long v) {
        return new Budgets(wallTime, v);
    }
}
