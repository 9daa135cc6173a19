package dev.airlock.it;

import dev.airlock.proxy.EgressGuard;
import dev.airlock.proxy.HostResolver;
import dev.airlock.proxy.UpstreamConnector;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.tls.CertificateAuthority;
import dev.airlock.sandbox.GrantDecider;
import dev.airlock.sandbox.SandboxException;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import dev.airlock.sandbox.SessionEventLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An egress guard running in this JVM for the sandboxes this process opens ({@code airlock sandbox exec|shell},
 * {@code airlock mcp}): no TCP listener, one Unix socket per session in a private 0700 directory, the operator's
 * policy, and the guard's denials routed to the session that caused them. Close it after its sessions.
 */
public final class InProcessGuard implements AutoCloseable {

    /**
     * How the guard reaches the outside: the machine's resolver and direct dials in production; tests pass a
     * {@link StrictResolver}, a {@link LoopbackOnlyConnector} and the loopback upstream's CA.
     */
    public record Network(HostResolver resolver, UpstreamConnector connector, X509Certificate[] upstreamTrust) {
        public static final Network SYSTEM = new Network(HostResolver.system(), UpstreamConnector.direct(), null);

        public Network {
            Objects.requireNonNull(resolver, "resolver");
            Objects.requireNonNull(connector, "connector");
        }
    }

    private final GuardedSandboxes wiring;
    private final EgressGuard guard;
    private final GuardPolicy policy;
    private final Path socketDir;

    private InProcessGuard(GuardedSandboxes wiring, EgressGuard guard, GuardPolicy policy, Path socketDir) {
        this.wiring = wiring;
        this.guard = guard;
        this.policy = policy;
        this.socketDir = socketDir;
    }

    /**
     * Starts the guard with {@code policy}, its CA loaded from or created in {@code caDir}; the policy's warnings
     * (risky settings) go to {@code warnings} first. Denials reach the session that caused them.
     */
    public static InProcessGuard start(GuardPolicy policy, Path caDir, Network network, Consumer<String> warnings) throws IOException {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(caDir);
        Path socketDir = Files.createTempDirectory("airlock-guard-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        GuardedSandboxes wiring = new GuardedSandboxes();
        EgressGuard.Builder b = EgressGuard.builder().ca(ca).defaults(policy).listen(null).sessionsOpenedLater()
                .resolver(network.resolver()).connector(network.connector()).denials(wiring)
                .eventLoopThreads(1);
        if (network.upstreamTrust() != null) {
            b.upstreamTrust(network.upstreamTrust());
        }
        for (String w : policy.warnings()) {
            warnings.accept(w);
        }
        EgressGuard guard;
        try {
            guard = b.build().start();
        } catch (IOException | RuntimeException e) {
            deleteTree(socketDir);
            throw e;
        }
        wiring.attach(guard, caDir.resolve(CertificateAuthority.CERT_FILE), socketDir);
        return new InProcessGuard(wiring, guard, policy, socketDir);
    }

    /** Opens a sandbox session whose only way out is this guard; see {@link GuardedSandboxes#open}. */
    public SandboxSession open(SandboxPolicy sandboxPolicy, Path workspace, SessionEventLog log, GrantDecider decider)
            throws IOException, SandboxException {
        return wiring.open(sandboxPolicy, workspace, policy, log, decider);
    }

    /** Closes the session and its guard socket. */
    public void close(SandboxSession s) {
        wiring.close(s);
    }

    public GuardPolicy policy() {
        return policy;
    }

    @Override
    public void close() {
        guard.close();
        deleteTree(socketDir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a private temp directory; nothing else depends on it
        }
    }
}
