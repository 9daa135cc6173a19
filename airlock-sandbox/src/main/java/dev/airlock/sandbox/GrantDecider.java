package dev.airlock.sandbox;

/**
 * Decides capability requests that no auto-grant rule covers. Lives outside the sandbox (CLI prompt, orchestrator);
 * the sandboxed process has no channel to it: a request is a tool call handled by the JVM, never a message the
 * sandbox can send on its own.
 */
@FunctionalInterface
public interface GrantDecider {
    Decision decide(String session, Capability capability, String reason);

    sealed interface Decision {
        record Grant(String by) implements Decision { }

        record Refuse(String by, String why) implements Decision { }
    }

    /** The default: nobody is asked, nothing beyond the auto-grant rules is granted. */
    GrantDecider REFUSE_ALL = (s, c, r) -> new Decision.Refuse("default", "no operator is attached to grant " + c.name());
}
