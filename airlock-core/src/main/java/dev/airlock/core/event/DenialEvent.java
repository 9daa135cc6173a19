package dev.airlock.core.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;

/**
 * A refused operation, as the agent and the operator see it. {@code target} must already be redacted by the
 * producer (a URL without query values, a path, a syscall name) — this type never holds a secret.
 *
 * @param time      when the boundary refused
 * @param session   the sandbox session id
 * @param call      the tool call within the session, or {@code null} when not tied to one (a guard request)
 * @param kind      which boundary refused
 * @param operation what was attempted, e.g. {@code connect}, {@code open(O_WRONLY)}, {@code ptrace}
 * @param target    what it was attempted on, redacted
 * @param rule      the rule or policy entry that refused it
 * @param hint      what the agent can do instead, e.g. which capability to request
 */
public record DenialEvent(
        @JsonProperty("time") Instant time,
        @JsonProperty("session") String session,
        @JsonProperty("call") String call,
        @JsonProperty("kind") DenialKind kind,
        @JsonProperty("operation") String operation,
        @JsonProperty("target") String target,
        @JsonProperty("rule") String rule,
        @JsonProperty("hint") String hint) {

    public DenialEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(operation, "operation");
    }

    /** One line for the agent to read, e.g. {@code denied: connect pastebin.com:443 — denylist; request …}. */
    public String summary() {
        StringBuilder sb = new StringBuilder("denied: ").append(operation);
        if (target != null) {
            sb.append(' ').append(target);
        }
        if (rule != null) {
            sb.append(" — ").append(rule);
        }
        if (hint != null) {
            sb.append("; ").append(hint);
        }
        return sb.toString();
    }
}
