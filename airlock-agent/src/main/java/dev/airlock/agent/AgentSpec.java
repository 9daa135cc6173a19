package dev.airlock.agent;

import java.nio.file.Path;
import java.util.Objects;

/** Which agent runs inside the sandbox. Parsed from {@code script:FILE}, {@code cmd:COMMAND}, {@code claude} or {@code codex}. */
public sealed interface AgentSpec {

    /** A shell script from the host, copied into the session and run there with bash. */
    record Script(Path file) implements AgentSpec {
        public Script {
            Objects.requireNonNull(file, "file");
        }
    }

    /** A command line run by bash inside the sandbox, in the workspace. It is the operator's, never task text. */
    record Cmd(String command) implements AgentSpec {
        public Cmd {
            if (command == null || command.isBlank() || command.indexOf(0) >= 0) {
                throw new IllegalArgumentException("cmd: needs a command (no NUL)");
            }
        }
    }

    /**
     * Claude Code in headless mode ({@link HeadlessCli#claude()}): its API key is a placeholder the egress guard swaps
     * for the real key on the way to {@code api.anthropic.com}.
     */
    record Claude() implements AgentSpec {
    }

    /** Codex CLI in exec mode ({@link HeadlessCli#codex()}), with a placeholder key swapped by the egress guard. */
    record Codex() implements AgentSpec {
    }

    static AgentSpec parse(String spec) {
        if (spec.equals("claude")) {
            return new Claude();
        }
        if (spec.equals("codex")) {
            return new Codex();
        }
        if (spec.startsWith("script:") && spec.length() > "script:".length()) {
            return new Script(Path.of(spec.substring("script:".length())));
        }
        if (spec.startsWith("cmd:")) {
            return new Cmd(spec.substring("cmd:".length()));
        }
        throw new IllegalArgumentException("agent must be script:FILE, cmd:COMMAND, claude or codex, got '" + spec + "'");
    }
}
