package dev.airlock.orchestrator;

import java.time.Duration;
import java.util.Locale;

/**
 * What a run spent against its {@link Budgets}: tokens counted by the egress guard (never the agent's own word), the
 * coding phase's wall time measured by the orchestrator. Read it back with {@link RunStore#budget(String)}, e.g. for
 * the pull request body.
 *
 * @param inputTokens  input tokens (Anthropic input + cache creation + cache read; OpenAI prompt/input tokens)
 * @param outputTokens output tokens
 * @param tokenBudget  the token budget, 0 = unlimited
 * @param unmetered    LLM responses the guard could not count (e.g. compressed despite being asked not to be)
 * @param wallTime     coding-phase wall time used
 * @param wallBudget   the wall-time budget
 * @param exceeded     {@code tokens} or {@code wall-time} if that budget stopped the run, else null
 */
public record BudgetUsage(long inputTokens, long outputTokens, long tokenBudget, long unmetered, Duration wallTime,
                          Duration wallBudget, String exceeded) {
    public static final String TOKENS = "tokens";
    public static final String WALL_TIME = "wall-time";

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** One line for people: {@code tokens 1234 of 5000 (in 1000, out 234), wall time 12.3 s of 1800 s}. */
    public String describe() {
        return String.format(Locale.ROOT, "tokens %d of %s (in %d, out %d)%s, wall time %.1f s of %d s%s",
                totalTokens(), tokenBudget == 0 ? "unlimited" : Long.toString(tokenBudget), inputTokens, outputTokens,
                unmetered == 0 ? "" : ", " + unmetered + " responses not metered",
                wallTime.toMillis() / 1000.0, wallBudget.toSeconds(),
                exceeded == null ? "" : "; " + exceeded + " budget exceeded");
    }
}
