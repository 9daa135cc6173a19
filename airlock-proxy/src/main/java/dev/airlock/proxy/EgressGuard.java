package dev.airlock.proxy;

import com.sun.net.httpserver.HttpServer;
import dev.airlock.core.SessionId;
import dev.airlock.core.event.DenialEvent;
import dev.airlock.proxy.audit.AuditSink;
import dev.airlock.proxy.budget.TokenBudgetInterceptor;
import dev.airlock.proxy.budget.TokenLedger;
import dev.airlock.proxy.netty.ClientInitializer;
import dev.airlock.proxy.netty.GuardContext;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.tls.CertificateAuthority;
import dev.airlock.proxy.tls.UpstreamTls;
import dev.airlock.proxy.tls.UpstreamTrust;
import dev.airlock.scan.KnownSecrets;
import dev.airlock.scan.ScanLimits;
import dev.airlock.scan.Scanner;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The egress guard: a TLS-intercepting HTTP proxy that authenticates sessions, enforces destination policy,
 * scans everything going out, injects credentials and fails closed. Entry point of {@code airlock proxy}.
 *
 * <pre>{@code
 * try (EgressGuard guard = EgressGuard.builder().ca(ca).defaults(policy).session(id, token, policy).build().start()) {
 *     int port = guard.address().getPort();
 * }
 * }</pre>
 */
public final class EgressGuard implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EgressGuard.class.getName());

    private final Builder b;
    private final List<Channel> servers = new ArrayList<>();
    private EventLoopGroup group;
    private ExecutorService workers;
    private HttpServer admin;
    private GuardMetrics metrics;
    private GuardContext ctx;
    /** One scanner per policy object; a closed session's entry is dropped so per-session policies do not pile up. */
    private final Map<GuardPolicy, Scanner> scanners = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Map<SessionId, SessionSocket> sessionSockets = new java.util.concurrent.ConcurrentHashMap<>();

    /** A session's socket and every connection accepted on it (closed when the session's policy narrows). */
    private record SessionSocket(Path path, Channel server, ChannelGroup connections) {
    }

    private final TokenLedger tokens;

    private EgressGuard(Builder b) {
        this.b = b;
        this.tokens = new TokenLedger(b.tokenBudget);
    }

    /** LLM tokens counted per session from the metered hosts' responses (the guard role reports them on its control socket). */
    public TokenLedger tokens() {
        return tokens;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the listeners; refuses (before anything is bound) an upstream trust store it could not read (the store
     * itself is read at the first HTTPS forward).
     */
    public EgressGuard start() throws IOException {
        UpstreamTrust upstreamTrust = b.upstreamTrust != null ? b.upstreamTrust : UpstreamTrust.fromSystemProperties();
        upstreamTrust.checkAtStart();
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(b.eventLoopThreads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        workers = Executors.newFixedThreadPool(b.workerThreads, r -> {
            Thread t = new Thread(r, "airlock-guard-inspect");
            t.setDaemon(true);
            return t;
        });
        metrics = b.metrics;
        for (String w : b.defaults.warnings()) {
            LOG.warning("WARNING: " + w);
        }
        List<Interceptor> interceptors = List.of(
                new TokenBudgetInterceptor(tokens, b.meteredHosts),
                new RouteInterceptor(b.resolver),
                new ScanInterceptor(p -> scanners.computeIfAbsent(p, EgressGuard::scannerFor), metrics::scanned),
                new CredentialInjector());
        ctx = new GuardContext(b.sessions, b.ca, b.resolver, b.connector, new UpstreamTls(upstreamTrust), interceptors, workers,
                b.audit, b.denials, metrics, b.defaults, epoll ? EpollSocketChannel.class : NioSocketChannel.class,
                8 * 1024, b.maxHeaderBytes, b.defaults.maxBodyBytes(), b.idleTimeout, b.requestTimeout,
                b.defaults.scanTimeout().plusSeconds(2));
        try {
            if (b.listen != null) {
                servers.add(new ServerBootstrap().group(group)
                        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childHandler(new ClientInitializer(ctx, null))
                        .bind(b.listen).sync().channel());
            }
            for (Map.Entry<Path, SessionId> e : b.unixSockets.entrySet()) {
                if (!epoll) {
                    throw new IOException("per-session Unix sockets need Linux epoll, which is not available here");
                }
                Files.deleteIfExists(e.getKey());
                SessionId id = e.getValue();
                servers.add(new ServerBootstrap().group(group)
                        .channel(EpollServerDomainSocketChannel.class)
                        .childHandler(new ClientInitializer(ctx, () -> b.sessions.byId(id)))
                        .bind(new DomainSocketAddress(e.getKey().toFile())).sync().channel());
                Files.setPosixFilePermissions(e.getKey(), PosixFilePermissions.fromString("rw-rw----"));
            }
            if (b.adminPort >= 0) {
                startAdmin();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding", e);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private static Scanner scannerFor(GuardPolicy p) {
        return ScanSettings.of(p).scanner();
    }

    /** The parts of a policy a scanner is built from: two policies with equal settings can share one scanner. */
    private record ScanSettings(Map<String, String> knownSecrets, long maxBodyBytes, long maxDecodedBodyBytes,
                                Duration scanTimeout) {
        static ScanSettings of(GuardPolicy p) {
            return new ScanSettings(p.knownSecrets(), p.maxBodyBytes(), p.maxDecodedBodyBytes(), p.scanTimeout());
        }

        Scanner scanner() {
            ScanLimits limits = ScanLimits.DEFAULT.withMaxBytes(Math.max(maxDecodedBodyBytes, maxBodyBytes) + (1 << 20))
                    .withMaxTime(scanTimeout);
            return Scanner.builder()
                    .knownSecrets(knownSecrets.isEmpty() ? KnownSecrets.NONE : KnownSecrets.of(knownSecrets))
                    .limits(limits)
                    .build();
        }
    }

    private void startAdmin() throws IOException {
        admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.adminPort), 16);
        admin.createContext("/metrics", ex -> respond(ex, "text/plain; version=0.0.4", metrics.scrape()));
        admin.createContext("/ca.pem", ex -> respond(ex, "application/x-pem-file", b.ca.certificatePem()));
        admin.createContext("/healthz", ex -> respond(ex, "text/plain", "ok\n"));
        admin.start();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /**
     * Adds a session while the guard runs and serves it on its own Unix socket: every connection on {@code socket}
     * belongs to {@code id} (the socket is the identity, so no token is handed out). This is how a sandbox session is
     * connected: the socket is bind-mounted into that sandbox only, and {@code policy} carries its canaries as known
     * secrets. Replaces nothing: a session id already open is refused.
     */
    public void openSession(SessionId id, Path socket, GuardPolicy policy) throws IOException {
        if (ctx == null) {
            throw new IllegalStateException("start the guard first");
        }
        if (!Epoll.isAvailable()) {
            throw new IOException("per-session Unix sockets need Linux epoll, which is not available here");
        }
        if (sessionSockets.containsKey(id) || b.sessions.byId(id) != null) {
            throw new IllegalStateException("session " + id + " is already open on this guard");
        }
        // Unix-socket sessions never authenticate with Proxy-Authorization; the token is random and never leaves.
        byte[] token = new byte[32];
        new java.security.SecureRandom().nextBytes(token);
        b.sessions.register(id, java.util.HexFormat.of().formatHex(token), policy);
        try {
            Files.deleteIfExists(socket);
            ChannelGroup connections = new DefaultChannelGroup("session-" + id.value(), GlobalEventExecutor.INSTANCE);
            ClientInitializer pipeline = new ClientInitializer(ctx, () -> b.sessions.byId(id));
            Channel server = new ServerBootstrap().group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            connections.add(ch); // removed by the group itself when the channel closes
                            ch.pipeline().addLast(pipeline);
                        }
                    })
                    .bind(new DomainSocketAddress(socket.toFile())).sync().channel();
            sessionSockets.put(id, new SessionSocket(socket, server, connections));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeSession(id);
            throw new IOException("interrupted while binding " + socket, e);
        } catch (IOException | RuntimeException e) {
            closeSession(id);
            throw e;
        }
    }

    /**
     * Replaces the policy of a session opened by {@link #openSession} while it runs (a capability grant such as
     * {@code net:HOST}, its revocation or expiry). New connections and requests are judged by {@code policy} at once.
     * When {@code policy} allows fewer hosts than the one it replaces, every connection already open on the session's
     * socket is closed, so a tunnel opened under a grant does not outlive it.
     */
    public void updateSession(SessionId id, GuardPolicy policy) {
        Session old = b.sessions.byId(id);
        SessionSocket s = sessionSockets.get(id);
        if (old == null || s == null) {
            throw new IllegalStateException("session " + id + " is not open on this guard's sessions");
        }
        GuardPolicy was = old.policy();
        Scanner scanner = scanners.remove(was);
        if (scanner != null && ScanSettings.of(policy).equals(ScanSettings.of(was))) {
            scanners.put(policy, scanner); // a grant changes where the session may go, not what it must not send
        }
        b.sessions.replacePolicy(id, policy);
        if (!policy.allow().containsAll(was.allow())) {
            s.connections().close().awaitUninterruptibly();
        }
    }

    /** Ends a session opened by {@link #openSession}: its socket stops accepting, its identity is forgotten. */
    public void closeSession(SessionId id) {
        Session gone = b.sessions.byId(id);
        b.sessions.remove(id);
        if (gone != null && sessionSockets.containsKey(id)) {
            scanners.remove(gone.policy());
        }
        SessionSocket s = sessionSockets.remove(id);
        if (s != null) {
            s.server().close().syncUninterruptibly();
            s.connections().close().awaitUninterruptibly();
            try {
                Files.deleteIfExists(s.path());
            } catch (IOException ignored) {
                // best effort: a stale socket file accepts nothing
            }
        }
    }

    /** The TCP address the guard listens on. */
    public InetSocketAddress address() {
        for (Channel c : servers) {
            if (c.localAddress() instanceof InetSocketAddress a) {
                return a;
            }
        }
        throw new IllegalStateException("not listening on TCP");
    }

    /** The loopback admin address (Prometheus {@code /metrics}, {@code /ca.pem}), or {@code null}. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.getAddress();
    }

    public GuardMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        for (SessionId id : List.copyOf(sessionSockets.keySet())) {
            closeSession(id);
        }
        for (Channel c : servers) {
            c.close().syncUninterruptibly();
        }
        if (admin != null) {
            admin.stop(0);
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workers != null) {
            workers.shutdownNow();
        }
        for (Path p : b.unixSockets.keySet()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: the socket file is recreated on next start
            }
        }
    }

    /** Validating builder; {@link #ca}, {@link #defaults} are required. */
    public static final class Builder {
        private CertificateAuthority ca;
        private GuardPolicy defaults;
        private final SessionRegistry sessions = new SessionRegistry();
        private HostResolver resolver = HostResolver.system();
        private boolean sessionsOnly;
        private UpstreamConnector connector = UpstreamConnector.direct();
        private UpstreamTrust upstreamTrust;
        private AuditSink audit = AuditSink.NONE;
        private Consumer<DenialEvent> denials = e -> { };
        private GuardMetrics metrics = new GuardMetrics();
        private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private final Map<Path, SessionId> unixSockets = new LinkedHashMap<>();
        private int adminPort = -1;
        private long tokenBudget;
        private java.util.Set<String> meteredHosts = TokenBudgetInterceptor.DEFAULT_METERED_HOSTS;
        private int maxHeaderBytes = 32 * 1024;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int eventLoopThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int workerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());

        public Builder ca(CertificateAuthority ca) {
            this.ca = ca;
            return this;
        }

        public Builder defaults(GuardPolicy policy) {
            this.defaults = policy;
            return this;
        }

        public Builder session(SessionId id, String token, GuardPolicy policy) {
            sessions.register(id, token, policy);
            return this;
        }

        public Builder resolver(HostResolver resolver) {
            this.resolver = resolver;
            return this;
        }

        public Builder connector(UpstreamConnector connector) {
            this.connector = connector;
            return this;
        }

        /** Trust these certificates for upstream TLS instead of the system trust store (tests with a local upstream). */
        public Builder upstreamTrust(X509Certificate... trust) {
            this.upstreamTrust = UpstreamTrust.certificates(trust);
            return this;
        }

        /** What upstream TLS trusts; default {@link UpstreamTrust#fromSystemProperties()}, taken at start. */
        public Builder upstreamTrust(UpstreamTrust trust) {
            this.upstreamTrust = trust;
            return this;
        }

        public Builder audit(AuditSink audit) {
            this.audit = audit;
            return this;
        }

        public Builder denials(Consumer<DenialEvent> denials) {
            this.denials = denials;
            return this;
        }

        public Builder metrics(GuardMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** TCP listen address (default 127.0.0.1:0); {@code null} to listen on Unix sockets only. */
        public Builder listen(InetSocketAddress address) {
            this.listen = address;
            return this;
        }

        /** A Unix socket whose every connection belongs to {@code session} (no Proxy-Authorization needed). */
        public Builder unixSocket(Path path, SessionId session) {
            unixSockets.put(path, session);
            return this;
        }

        /** Loopback admin port for /metrics and /ca.pem (0 = ephemeral); off unless set. */
        public Builder adminPort(int port) {
            this.adminPort = port;
            return this;
        }

        /** LLM tokens (input + output) each session may use on the metered hosts; 0 (default) = unlimited. */
        public Builder tokenBudget(long tokens) {
            if (tokens < 0) {
                throw new IllegalArgumentException("token budget must be >= 0");
            }
            this.tokenBudget = tokens;
            return this;
        }

        /** The LLM API hosts whose responses are metered (default {@link TokenBudgetInterceptor#DEFAULT_METERED_HOSTS}). */
        public Builder meteredHosts(java.util.Set<String> hosts) {
            this.meteredHosts = java.util.Set.copyOf(hosts);
            return this;
        }

        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder eventLoopThreads(int n) {
            this.eventLoopThreads = n;
            return this;
        }

        /**
         * Allows a guard with no listener at start: every session is added later through {@link #openSession} (the
         * local runtime's guard role, driven by its control socket).
         */
        public Builder sessionsOpenedLater() {
            sessionsOnly = true;
            return this;
        }

        public EgressGuard build() {
            if (ca == null) {
                throw new IllegalStateException("a certificate authority is required (CertificateAuthority.loadOrCreate)");
            }
            if (defaults == null) {
                throw new IllegalStateException("a policy is required");
            }
            if (listen == null && unixSockets.isEmpty() && !sessionsOnly) {
                throw new IllegalStateException("nothing to listen on: set a TCP address or a Unix socket");
            }
            if (listen != null && !listen.getAddress().isLoopbackAddress()) {
                LOG.warning("WARNING: the guard listens on " + listen + ", which is not loopback");
            }
            return new EgressGuard(this);
        }
    }
}
