package dev.airlock.cli.sandbox;

import dev.airlock.sandbox.SandboxException;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SessionEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by the sandbox commands: policy, workspace, where events go. */
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

    /** Opens a session (and its egress guard) whose events go to --events or stderr; grants are asked on /dev/tty. */
    SandboxRun open(GuardOptions guard, HostSide host, PrintStream err) throws IOException, SandboxException {
        return SandboxRun.open(loadPolicy(), workspace, events, guard, host, err);
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

    /** Control characters replaced, so an agent-written reason cannot rewrite the operator's terminal. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && i < 300; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }
}
