package dev.airlock.cli.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.json.Json;
import dev.airlock.it.InProcessGuard;
import dev.airlock.sandbox.SandboxException;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import dev.airlock.sandbox.SessionEvent;
import dev.airlock.sandbox.SessionEventLog;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One CLI sandbox session and the in-process egress guard that is its only way out (none with {@code --no-network}).
 * Events (denials, capability requests, grants, refusals, revocations, expiries) go to {@code --events FILE} or
 * stderr from the first one on; capability requests no auto-grant rule covers are asked on {@code /dev/tty}.
 */
final class SandboxRun implements AutoCloseable {
    private final SandboxSession session;
    private final InProcessGuard guard;

    private SandboxRun(SandboxSession session, InProcessGuard guard) {
        this.session = session;
        this.guard = guard;
    }

    static SandboxRun open(SandboxPolicy policy, Path workspace, Path events, GuardOptions guardOptions,
                           HostSide host, PrintStream err) throws IOException, SandboxException {
        SessionEventLog log = new SessionEventLog();
        log.subscribe(printer(events, err));
        TtyGrantPrompt prompt = new TtyGrantPrompt(host.operatorTty(), policy.grantTtl());
        InProcessGuard guard = guardOptions.start(host.network(), err);
        if (guard == null) {
            return new SandboxRun(SandboxSession.builder(policy, workspace).eventLog(log).grantDecider(prompt).open(), null);
        }
        try {
            return new SandboxRun(guard.open(policy, workspace, log, prompt), guard);
        } catch (IOException | SandboxException | RuntimeException e) {
            guard.close();
            throw e;
        }
    }

    SandboxSession session() {
        return session;
    }

    private static java.util.function.Consumer<SessionEvent> printer(Path events, PrintStream err) {
        ObjectMapper mapper = Json.mapper();
        return e -> {
            if (e instanceof SessionEvent.Lifecycle) {
                return;
            }
            try {
                String line = mapper.writeValueAsString(SandboxOptions.describe(e)) + "\n";
                if (events != null) {
                    Files.writeString(events, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } else {
                    err.print("airlock: " + line);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        };
    }

    @Override
    public void close() {
        if (guard == null) {
            session.close();
            return;
        }
        try {
            guard.close(session);
        } finally {
            guard.close();
        }
    }
}
