package dev.airlock.agent;

import dev.airlock.sandbox.ExecRequest;
import java.util.Map;

/**
 * How the LLM coding CLIs run inside the sandbox, in the workspace, without a human: the task comes from the task
 * file on standard input (never on the command line), permission prompts are off (the sandbox is the boundary), and
 * the API key is a placeholder — the egress guard, reached through {@code HTTPS_PROXY} with its CA trusted, swaps it
 * for the real key only on requests to the API host. Nothing inside the sandbox ever holds a real key.
 *
 * <p>The CLIs must be installed on the host where the sandbox can see them ({@code /usr} or the sandbox policy's
 * {@code extraReadOnly}); see airlock-agent/README.md.
 */
public final class HeadlessCli {
    /** Sent as {@code x-api-key}; the guard's built-in policy replaces it on {@code api.anthropic.com}. */
    public static final String ANTHROPIC_PLACEHOLDER = "airlock-placeholder-anthropic";
    /** Sent as {@code Authorization: Bearer …}; the guard's built-in policy replaces it on {@code api.openai.com}. */
    public static final String OPENAI_PLACEHOLDER = "airlock-placeholder-openai";

    private static final String TASK = "/workspace/" + AgentWorker.TASK_FILE;

    private HeadlessCli() {
    }

    /**
     * {@code claude -p --output-format stream-json --verbose --dangerously-skip-permissions < task.md}. Auto-update,
     * telemetry and error reporting are off (they would only be refused by the guard); {@code IS_SANDBOX=1} is Claude
     * Code's own switch that permits skipping permissions in an isolated environment.
     */
    public static ExecRequest claude() {
        return ExecRequest.shell("exec claude -p --output-format stream-json --verbose --dangerously-skip-permissions < "
                + TASK).withEnv(Map.of(
                "ANTHROPIC_API_KEY", ANTHROPIC_PLACEHOLDER,
                "DISABLE_AUTOUPDATER", "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1",
                "IS_SANDBOX", "1"));
    }

    /** {@code codex exec --full-auto --skip-git-repo-check - < task.md} (the workspace has no {@code .git}). */
    public static ExecRequest codex() {
        return ExecRequest.shell("exec codex exec --full-auto --skip-git-repo-check - < " + TASK).withEnv(Map.of(
                "OPENAI_API_KEY", OPENAI_PLACEHOLDER,
                "CODEX_API_KEY", OPENAI_PLACEHOLDER));
    }
}
