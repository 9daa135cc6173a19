package dev.airlock.it;

import dev.airlock.core.SessionId;
import dev.airlock.core.event.DenialEvent;
import dev.airlock.proxy.EgressGuard;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.sandbox.GrantDecider;
import dev.airlock.sandbox.GuardEndpoint;
import dev.airlock.sandbox.SandboxException;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import dev.airlock.sandbox.SessionEventLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The wiring between a running guard and sandbox sessions (the only place that depends on both modules): per
 * session, the guard serves its own Unix socket with the session's canaries as known secrets, the sandbox mounts that
 * socket, and the guard's denial events are routed back to the session by id.
 */
public final class GuardedSandboxes implements Consumer<DenialEvent> {
    /** Port of the bridge inside each sandbox (its own network namespace, so any fixed port will do). */
    public static final int BRIDGE_PORT = 3128;

    private final Map<String, SandboxSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, DenialEvent> unrouted = new ConcurrentHashMap<>();
    private final Map<String, NetGrants> netGrants = new ConcurrentHashMap<>();
    private EgressGuard guard;
    private Path caPem;
    private Path socketDir;

    /** Set once the guard (built with {@code .denials(this)}) has started. */
    public void attach(EgressGuard guard, Path caPem, Path socketDir) {
        this.guard = guard;
        this.caPem = caPem;
        this.socketDir = socketDir;
    }

    public SandboxSession open(SandboxPolicy sandboxPolicy, Path workspace, GuardPolicy guardPolicy) throws IOException, SandboxException {
        return open(sandboxPolicy, workspace, guardPolicy, new SessionEventLog(), GrantDecider.REFUSE_ALL);
    }

    /**
     * Opens a guarded session whose events go to {@code log} (subscribe before, to see every event) and whose
     * capability requests beyond the policy's auto-grants are decided by {@code decider} (outside the sandbox).
     * {@code net:HOST} grants widen the guard's policy for this session only, until revoked or expired.
     */
    public SandboxSession open(SandboxPolicy sandboxPolicy, Path workspace, GuardPolicy guardPolicy, SessionEventLog log,
                               GrantDecider decider) throws IOException, SandboxException {
        SandboxSession.Builder b = SandboxSession.builder(sandboxPolicy, workspace).eventLog(log).grantDecider(decider);
        SessionId id = b.id();
        Path socket = socketDir.resolve(id.value() + ".sock");
        GuardPolicy sessionPolicy = guardPolicy.withKnownSecrets(b.canaries());
        guard.openSession(id, socket, sessionPolicy);
        NetGrants grants = new NetGrants(guard, id, sessionPolicy);
        log.subscribe(grants);
        try {
            SandboxSession s = b.guard(new GuardEndpoint(socket, caPem, BRIDGE_PORT)).open();
            grants.attach(s);
            sessions.put(id.value(), s);
            netGrants.put(id.value(), grants);
            return s;
        } catch (SandboxException | RuntimeException e) {
            guard.closeSession(id);
            throw e;
        }
    }

    public void close(SandboxSession s) {
        sessions.remove(s.id().value());
        NetGrants grants = netGrants.remove(s.id().value());
        if (grants != null) {
            grants.close();
        }
        guard.closeSession(s.id());
        s.close();
    }

    @Override
    public void accept(DenialEvent e) {
        SandboxSession s = sessions.get(e.session());
        if (s != null) {
            s.reportDenial(e);
        } else {
            unrouted.put(e.session(), e);
        }
    }

    /** Denials for sessions this wiring does not know (by session id); should stay empty. */
    public Map<String, DenialEvent> unrouted() {
        return unrouted;
    }
}
