package dev.airlock.cli.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.json.Json;
import dev.airlock.sandbox.Capability;
import dev.airlock.sandbox.GrantDecider;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import dev.airlock.sandbox.SessionEvent;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by the sandbox commands: policy, workspace, where events go, how grants are decided. */
final class SandboxOptions {
    @Option(names = "--policy", paramLabel = "FILE", description = "Sandbox policy (JSON, see docs/configuration.md). Default: isolation defaults.")
    Path policy;

    @Option(names = "--workspace", paramLabel = "DIR", description = "Workspace mounted read-write at /workspace. Default: current directory.")
    Path workspace = Path.of(".");

    @Option(names = "--events", paramLabel = "FILE", description = "Append session events as JSON lines to FILE instead of stderr.")
    Path events;

    SandboxPolicy loadPolicy() throws IOException {
        return policy == null ? SandboxPolicy.defaults() : SandboxPolicy.load(policy);
    }

    /** Opens a session whose events go to --events or stderr, and whose grants are asked on the terminal. */
    SandboxSession open(PrintStream err) throws IOException, dev.airlock.sandbox.SandboxException {
        SandboxSession.Builder b = SandboxSession.builder(loadPolicy(), workspace).grantDecider(terminalPrompt());
        SandboxSession s = b.open();
        ObjectMapper mapper = Json.mapper();
        s.eventLog().subscribe(e -> {
            if (e instanceof SessionEvent.Lifecycle) {
                return;
            }
            try {
                String line = mapper.writeValueAsString(describe(e)) + "\n";
                if (events != null) {
                    Files.writeString(events, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } else {
                    err.print("airlock: " + line);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        return s;
    }

    static Map<String, Object> describe(SessionEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", e.getClass().getSimpleName());
        switch (e) {
            case SessionEvent.Denied d -> m.put("denial", d.denial());
            case SessionEvent.CapabilityRequested r -> { m.put("capability", r.capability()); m.put("reason", r.reason()); }
            case SessionEvent.CapabilityGranted g -> { m.put("capability", g.capability()); m.put("by", g.grantedBy()); m.put("expires", g.expires()); }
            case SessionEvent.CapabilityRefused r -> { m.put("capability", r.capability()); m.put("by", r.refusedBy()); m.put("why", r.why()); }
            case SessionEvent.CapabilityRevoked r -> { m.put("capability", r.capability()); m.put("by", r.revokedBy()); }
            case SessionEvent.CapabilityExpired x -> m.put("capability", x.capability());
            case SessionEvent.Lifecycle l -> m.put("what", l.what());
        }
        m.put("time", e.time());
        return m;
    }

    /** Asks the operator on the controlling terminal; refuses when there is none (the agent cannot answer for them). */
    static GrantDecider terminalPrompt() {
        return (session, capability, reason) -> {
            Console console = System.console();
            if (console == null) {
                return new GrantDecider.Decision.Refuse("cli", "no terminal to ask the operator");
            }
            String answer = console.readLine("airlock: session %s asks for capability %s (%s). Grant? [y/N] ",
                    session, capability.name(), printable(reason));
            return answer != null && answer.strip().equalsIgnoreCase("y")
                    ? new GrantDecider.Decision.Grant("operator (cli)")
                    : new GrantDecider.Decision.Refuse("operator (cli)", "refused at the prompt");
        };
    }

    /** Control characters replaced, so an agent-written reason cannot rewrite the operator's terminal. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && i < 300; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }

    static Capability parse(String name) {
        return Capability.parse(name);
    }
}
