package dev.airlock.agent;

import dev.airlock.core.event.DenialEvent;
import java.time.Duration;
import java.util.List;

/**
 * What the worker hands back to the orchestrator besides the uploaded output.
 *
 * @param inputId   the snapshot id of the downloaded input (verified while reading)
 * @param outputId  the snapshot id of the uploaded output
 * @param exitCode  the agent's exit status inside the sandbox (-1 when killed or timed out)
 * @param denials   what the sandbox refused during the run
 */
public record AgentReport(String inputId, String outputId, int exitCode, boolean timedOut, Duration agentTime,
                          long outputBytes, List<DenialEvent> denials) {
    public AgentReport {
        denials = List.copyOf(denials);
    }
}
