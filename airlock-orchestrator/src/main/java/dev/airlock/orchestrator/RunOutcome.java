package dev.airlock.orchestrator;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** How a run ended. Switch over it without a default: every case needs its own message. */
public sealed interface RunOutcome {
    String run();

    /** Wall time per phase (exporting, coding, publishing), in the order they ran. */
    Map<RunState, Duration> phases();

    /** The branch was pushed. */
    record Published(String run, String branch, String commit, ChangeSummary changes, List<String> denials,
                     Map<RunState, Duration> phases, Duration agentTime) implements RunOutcome {
    }

    /** A boundary refused the output (validation, protected paths, a secret): nothing was pushed. */
    record Refused(String run, RunState phase, String reason, List<String> denials,
                   Map<RunState, Duration> phases) implements RunOutcome {
    }

    /** Something broke (a role crashed, the agent failed, the sandbox could not be built): nothing was pushed. */
    record Failed(String run, RunState phase, String reason, Map<RunState, Duration> phases) implements RunOutcome {
    }

    /** An operator cancelled the run ({@code airlock cancel}); its role processes were killed, nothing was pushed. */
    record Cancelled(String run, RunState phase, String reason, Map<RunState, Duration> phases) implements RunOutcome {
    }
}
