package dev.airlock.cli.run;

import dev.airlock.orchestrator.Budgets;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --token-budget} and {@code --wall-time}: each overrides the configuration's {@code [budgets]} value. */
public final class BudgetOptions {
    @Option(names = "--token-budget", description = "LLM tokens a run may use (input + output; 0 = unlimited; "
            + "default: budgets.tokens of the configuration, else unlimited).")
    Long tokens;

    @Option(names = "--wall-time", description = "Wall-time budget of the coding phase, ISO-8601 (e.g. PT30M; "
            + "default: budgets.wall_time of the configuration, else PT30M).")
    Duration wallTime;

    /** {@code configured} with the flags that were given applied over it. */
    public Budgets over(Budgets configured) {
        Budgets b = wallTime == null ? configured : configured.withWallTime(wallTime);
        return tokens == null ? b : b.withTokens(tokens);
    }
}
