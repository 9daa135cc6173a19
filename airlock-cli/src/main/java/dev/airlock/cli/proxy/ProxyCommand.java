package dev.airlock.cli.proxy;

import dev.airlock.core.SessionId;
import dev.airlock.proxy.EgressGuard;
import dev.airlock.proxy.audit.JsonLinesAuditLog;
import dev.airlock.proxy.audit.QueuedAuditLog;
import dev.airlock.proxy.policy.PolicyException;
import dev.airlock.proxy.policy.PolicyLoader;
import dev.airlock.proxy.policy.SecretSource;
import dev.airlock.proxy.tls.CertificateAuthority;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code airlock proxy}: runs the egress guard until terminated. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run the egress guard: TLS-intercepting proxy that enforces destination policy, scans every "
                + "request for secrets, injects credentials and fails closed. See airlock-proxy/README.md.")
public final class ProxyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", description = "TCP listen address host:port (default ${DEFAULT-VALUE}; 'none' for Unix sockets only)",
            defaultValue = "127.0.0.1:3128")
    String listen;

    @Option(names = "--unix", description = "per-session Unix socket SESSION=PATH (repeatable); connections need no proxy credentials")
    Map<String, Path> unix = new LinkedHashMap<>();

    @Option(names = "--policy", required = true, description = "operator policy file (JSON; docs/configuration.md)")
    Path policy;

    @Option(names = "--ca-dir", description = "directory of the guard's CA (created on first start; default ${DEFAULT-VALUE})",
            defaultValue = "${sys:user.home}/.airlock/ca")
    Path caDir;

    @Option(names = "--export-ca", description = "print the CA certificate (PEM) for client trust stores and exit")
    boolean exportCa;

    @Option(names = "--audit", description = "audit log file (JSON Lines, rotated by size)")
    Path audit;

    @Option(names = "--audit-max-bytes", defaultValue = "104857600", description = "rotate the audit log at this size")
    long auditMaxBytes;

    @Option(names = "--admin-port", defaultValue = "-1",
            description = "loopback port for /metrics (Prometheus), /ca.pem and /healthz; -1 = off, 0 = ephemeral")
    int adminPort;

    @Option(names = "--control", description = "control Unix socket (mode 0600) where the agent worker opens sandbox "
            + "sessions and registers their canaries; never mount it into a sandbox (requires --sessions-dir)")
    Path control;

    @Option(names = "--sessions-dir", description = "directory (made 0700) where the guard binds per-session sockets opened via --control")
    Path sessionsDir;

    @Option(names = "--denials-file", description = "append one line per denial (redacted summary) to this file (0600)")
    Path denialsFile;

    @Option(names = "--token-budget", defaultValue = "0", description = "LLM tokens (input + output) each session may "
            + "use on the metered hosts; once spent, further LLM requests get 429 (rule budget:tokens). 0 = unlimited.")
    long tokenBudget;

    @Option(names = "--event-loops", defaultValue = "0", description = "Netty event-loop threads serving connections "
            + "(0 = one per CPU); requests up to 64 KB are inspected on them")
    int eventLoops;

    @Option(names = "--metered-host", description = "an LLM API host whose responses are metered for token usage "
            + "(repeatable; default api.anthropic.com and api.openai.com)")
    java.util.List<String> meteredHosts;

    @Option(names = "--exit-with-parent", description = "Stop when the process that started this one exits: a run's "
            + "guard (started with its LLM keys as the run starts) must not outlive an orchestrator that was killed.")
    boolean exitWithParent;

    /** Held here: java.util.logging keeps loggers weakly, and a collected one would forget its level. */
    private static final java.util.logging.Logger NETTY_LOG = java.util.logging.Logger.getLogger("io.netty");

    @Override
    public Integer call() throws Exception {
        // The guard logs through java.util.logging; Netty joins it instead of binding SLF4J, whose provider search
        // and logback's XML configuration cost every guard start ~0.1 s of CPU before the first connection.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        NETTY_LOG.setLevel(java.util.logging.Level.WARNING); // as under logback: warnings and errors only
        if (exitWithParent) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        CertificateAuthority ca;
        try {
            ca = CertificateAuthority.loadOrCreate(caDir);
        } catch (IOException e) {
            err.println("airlock proxy: cannot load or create the CA in " + caDir + ": " + e.getMessage());
            return 2;
        }
        if (exportCa) {
            out.print(ca.certificatePem());
            out.flush();
            return 0;
        }
        PolicyLoader.Loaded loaded;
        try {
            loaded = new PolicyLoader(SecretSource.system()).load(policy);
        } catch (PolicyException e) {
            err.println("airlock proxy: refusing to start: " + e.getMessage());
            return 2;
        }
        EgressGuard.Builder b = EgressGuard.builder().ca(ca).defaults(loaded.defaults()).adminPort(adminPort)
                .denials(d -> {
                    err.println(d.summary());
                    appendDenial(d.summary());
                });
        if (eventLoops < 0) {
            err.println("airlock proxy: --event-loops must be >= 0");
            return 2;
        }
        if (eventLoops > 0) {
            b.eventLoopThreads(eventLoops);
        }
        if (tokenBudget < 0) {
            err.println("airlock proxy: --token-budget must be >= 0");
            return 2;
        }
        b.tokenBudget(tokenBudget);
        if (meteredHosts != null) {
            b.meteredHosts(java.util.Set.copyOf(meteredHosts));
        }
        if (loaded.testOnlyUpstream() != null) {
            b.resolver(loaded.testOnlyUpstream().resolver());
            if (!loaded.testOnlyUpstream().trust().isEmpty()) {
                b.upstreamTrust(loaded.testOnlyUpstream().trust().toArray(new java.security.cert.X509Certificate[0]));
            }
            err.println("airlock proxy: warning: " + loaded.testOnlyUpstream().warning());
        }
        for (PolicyLoader.SessionConfig s : loaded.sessions()) {
            b.session(s.id(), s.token(), s.policy());
        }
        for (Map.Entry<String, Path> e : unix.entrySet()) {
            b.unixSocket(e.getValue(), new SessionId(e.getKey()));
        }
        if (control != null) {
            b.sessionsOpenedLater();
        }
        if (listen.equals("none")) {
            b.listen(null);
        } else {
            int colon = listen.lastIndexOf(':');
            if (colon < 0) {
                err.println("airlock proxy: --listen must be host:port");
                return 2;
            }
            b.listen(new InetSocketAddress(InetAddress.getByName(listen.substring(0, colon)), Integer.parseInt(listen.substring(colon + 1))));
        }
        QueuedAuditLog auditLog = null;
        if (audit != null) {
            // Written by its own thread, off the event loop; a backlog refuses new requests (fail closed).
            auditLog = new QueuedAuditLog(new JsonLinesAuditLog(audit, auditMaxBytes, 5), 64 * 1024);
            b.audit(auditLog);
        }
        if ((control == null) != (sessionsDir == null)) {
            err.println("airlock proxy: --control and --sessions-dir go together");
            return 2;
        }
        if (denialsFile != null) {
            java.nio.file.Files.deleteIfExists(denialsFile);
            java.nio.file.Files.createFile(denialsFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        }
        if (loaded.sessions().isEmpty() && control == null) {
            err.println("airlock proxy: warning: the policy declares no sessions; every request will get 407");
        }
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Leak tracking keeps a stack trace of a sample of buffers, on the request path; the tests run with it on
            // (Netty's default) to catch a leak, the running guard does not pay for it. -Dio.netty.leakDetection.level wins.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        EgressGuard guard;
        try {
            guard = b.build().start();
        } catch (IOException e) {
            // An unreadable upstream trust store, or an address that cannot be bound: before the control socket exists.
            err.println("airlock proxy: refusing to start: " + e.getMessage());
            if (auditLog != null) {
                auditLog.close();
            }
            return 2;
        }
        GuardControlServer controlServer = control == null ? null
                : new GuardControlServer(control, sessionsDir, guard, loaded.defaults());
        err.println("airlock proxy: listening" + (listen.equals("none") ? "" : " on " + guard.address())
                + (unix.isEmpty() ? "" : " and Unix sockets " + unix.values())
                + "; CA " + caDir.resolve(CertificateAuthority.CERT_FILE)
                + "; allow " + loaded.defaults().allow() + "; ports " + loaded.defaults().ports()
                + "; failMode " + loaded.defaults().failMode().name().toLowerCase()
                + (guard.adminAddress() == null ? "" : "; admin http://" + guard.adminAddress().getHostString() + ":" + guard.adminAddress().getPort()));
        err.flush();
        CountDownLatch stop = new CountDownLatch(1);
        QueuedAuditLog finalAudit = auditLog;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (controlServer != null) {
                try {
                    controlServer.close();
                } catch (IOException ignored) {
                    // shutting down
                }
            }
            guard.close();
            if (finalAudit != null) {
                try {
                    finalAudit.close();
                } catch (IOException ignored) {
                    // shutting down
                }
            }
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    private synchronized void appendDenial(String summary) {
        if (denialsFile == null) {
            return;
        }
        try {
            java.nio.file.Files.writeString(denialsFile, summary.replace('\n', ' ') + "\n",
                    java.nio.charset.StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("airlock proxy: cannot record a denial in " + denialsFile + ": " + e.getMessage());
        }
    }
}
