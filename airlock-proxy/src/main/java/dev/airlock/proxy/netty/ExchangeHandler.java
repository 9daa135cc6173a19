package dev.airlock.proxy.netty;

import dev.airlock.core.event.DenialKind;
import dev.airlock.proxy.Deny;
import dev.airlock.proxy.Destination;
import dev.airlock.proxy.GuardRequest;
import dev.airlock.proxy.Header;
import dev.airlock.proxy.InterceptorChain;
import dev.airlock.proxy.Verdict;
import dev.airlock.proxy.audit.AuditPaths;
import dev.airlock.proxy.audit.AuditRecord;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Last client-side handler: takes one complete (aggregated) request, runs the interceptor chain (route → scan →
 * inject) on a worker thread, then either answers the refusal or forwards the rewritten request to exactly the
 * checked address and relays the response. Reads are paused while a request is in flight, so requests on one
 * connection are handled strictly one at a time (no pipelining races).
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {
    /** Hop-by-hop and proxy headers: never forwarded (RFC 9110 §7.6.1), plus framing the guard recomputes. */
    private static final Set<String> DROP = caseInsensitive(List.of("connection", "keep-alive", "proxy-authorization",
            "proxy-connection", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
            "expect", "host"));

    /** Compared without lower-casing each name (no allocation per header). */
    private static Set<String> caseInsensitive(List<String> names) {
        Set<String> set = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return set;
    }

    /** Bodies up to this size are inspected on the event loop when no DNS lookup is needed. */
    static final int INLINE_MAX_BODY = 64 * 1024;
    /** An upstream silent this long mid-exchange is dropped (LLM APIs can think for minutes before answering). */
    static final long UPSTREAM_READ_TIMEOUT_SECONDS = 600;

    private final GuardContext g;
    private final ConnectionState st;

    ExchangeHandler(GuardContext g, ConnectionState st) {
        this.g = g;
        this.st = st;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ConnectionState.Head head = st.pending;
        st.inFlight = true;
        RequestDeadline deadline = ctx.pipeline().get(RequestDeadline.class);
        if (deadline != null) {
            deadline.disarm();
        }
        if (!g.audit().accepting()) {
            req.release();
            Responses.refuse(ctx, g, st, new Deny(503, "the audit log is behind; refused until it catches up (fail closed)",
                    "audit-backlog", null, null, "retry in a few seconds", DenialKind.RESOURCE), head.requestId(),
                    head.method(), head.host().value(), head.port(), head.target(), head.startNanos());
            return;
        }
        GuardRequest request;
        try {
            List<Header> headers = new ArrayList<>();
            List<String> connection = req.headers().getAll(HttpHeaderNames.CONNECTION);
            Set<String> connectionTokens = Set.of();
            if (!connection.isEmpty()) {
                List<String> tokens = new ArrayList<>();
                for (String c : connection) {
                    for (String t : c.split(",")) {
                        tokens.add(t.trim());
                    }
                }
                connectionTokens = caseInsensitive(tokens);
            }
            for (Map.Entry<String, String> h : req.headers()) {
                String name = h.getKey();
                if (!DROP.contains(name) && !connectionTokens.contains(name)) {
                    headers.add(new Header(h.getKey(), h.getValue()));
                }
            }
            byte[] body = ByteBufUtil.getBytes(req.content());
            Destination known = st.tunnel;
            if (known == null && st.lastDestination != null && st.lastDestination.host().equals(head.host())
                    && st.lastDestination.port() == head.port()) {
                known = st.lastDestination;
            }
            request = new GuardRequest(head.requestId(), st.session.id(), st.session.policy(), head.method(),
                    head.scheme(), head.host(), head.port(), head.target(), headers, body, known);
        } finally {
            req.release();
        }
        ctx.channel().config().setAutoRead(false);
        if (request.destination() != null && request.body().length <= INLINE_MAX_BODY) {
            // Nothing left that blocks (the address is already pinned) and the scan is small: inspecting right here
            // saves two thread hand-offs. Larger bodies and first requests (DNS) go to the workers.
            Verdict v;
            try {
                v = InterceptorChain.run(g.interceptors(), request);
            } catch (RuntimeException e) {
                v = new Deny(403, "request inspection failed; refused (fail closed)", "inspection-failed", null, null,
                        "retry with a smaller request", DenialKind.POLICY);
            }
            switch (v) {
                case Deny d -> Responses.refuse(ctx, g, st, d, head.requestId(), head.method(),
                        head.host().value(), head.port(), head.target(), head.startNanos());
                case Verdict.Allow a -> forward(ctx, head, a);
            }
            return;
        }
        CompletableFuture.supplyAsync(() -> InterceptorChain.run(g.interceptors(), request), g.workers())
                .orTimeout(g.scanBackstop().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((verdict, error) -> ctx.executor().execute(() -> {
                    Verdict v = error == null ? verdict : new Deny(403,
                            error instanceof java.util.concurrent.TimeoutException
                                    ? "request inspection timed out; refused (fail closed)"
                                    : "request inspection failed; refused (fail closed)",
                            "inspection-failed", null, null, "retry with a smaller request", DenialKind.POLICY);
                    switch (v) {
                        case Deny d -> Responses.refuse(ctx, g, st, d, head.requestId(), head.method(),
                                head.host().value(), head.port(), head.target(), head.startNanos());
                        case Verdict.Allow a -> forward(ctx, head, a);
                    }
                }));
    }

    private void forward(ChannelHandlerContext ctx, ConnectionState.Head head, Verdict.Allow allow) {
        GuardRequest r = allow.request();
        Destination d = r.destination();
        if (st.tunnel == null) {
            st.lastDestination = d;
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        String hostHeader = d.port() == ("https".equals(r.scheme()) ? 443 : 80) ? d.host().value() : d.host().value() + ":" + d.port();
        headers.set(HttpHeaderNames.HOST, hostHeader);
        for (Header h : r.headers()) {
            headers.add(h.name(), h.value());
        }
        // A pooled direct buffer: the epoll transport would copy a heap buffer into a fresh direct one on every write.
        FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(r.method()), r.target(),
                ctx.alloc().directBuffer(r.body().length).writeBytes(r.body()), headers, EmptyHttpHeaders.INSTANCE);
        if (st.webSocket) {
            // Extensions are dropped so no compression is negotiated: the guard scans frame payloads as sent.
            out.headers().remove(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            out.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        }
        if (r.body().length > 0 || !(r.method().equals("GET") || r.method().equals("HEAD"))) {
            out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        }
        String decision = !allow.notes().isEmpty() ? "allow-fail-open" : !allow.logged().isEmpty() ? "allow-logged" : "allow";
        String rule = !allow.logged().isEmpty() ? allow.logged().getFirst().ruleId() : null;
        // Where a logged finding sat is not carried on Allow; withhold the whole path rather than guess.
        boolean secretInTarget = !allow.logged().isEmpty();
        UpstreamRelay.Exchange exchange = new UpstreamRelay.Exchange(ctx, g, st, head, r.body().length, decision, rule,
                secretInTarget ? AuditPaths.WITHHELD : AuditPaths.redact(head.target()));
        boolean tls = "https".equals(r.scheme());
        Channel up = st.upstream;
        if (up != null && up.isActive() && tls == st.upstreamTls && d.equals(st.upstreamDestination)) {
            up.pipeline().get(UpstreamRelay.class).begin(exchange);
            up.writeAndFlush(out);
            return;
        }
        if (up != null) {
            up.close();
        }
        UpstreamRelay relay = new UpstreamRelay();
        relay.begin(exchange);
        SslContext upstreamTls = null;
        if (tls) {
            try {
                upstreamTls = g.upstreamTls().context(); // built at the first HTTPS forward, then shared
            } catch (SSLException e) {
                out.release();
                relay.fail(new Deny(502, e.getMessage(), "upstream-tls", null, null,
                        "the guard never forwards without verifying the upstream", DenialKind.NETWORK));
                return;
            }
        }
        SslContext upstreamContext = upstreamTls;
        Bootstrap b = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(g.upstreamChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls) {
                            SslHandler ssl = upstreamContext.newHandler(ch.alloc(), d.host().value(), d.port());
                            SSLEngine engine = ssl.engine();
                            SSLParameters params = engine.getSSLParameters();
                            params.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(params);
                            ch.pipeline().addLast("tls", ssl);
                        }
                        ch.pipeline().addLast("codec", new HttpClientCodec(8192, 64 * 1024, 16 * 1024));
                        ch.pipeline().addLast("timeout", new ReadTimeoutHandler(UPSTREAM_READ_TIMEOUT_SECONDS, TimeUnit.SECONDS));
                        for (var i : g.interceptors()) {
                            if (i instanceof dev.airlock.proxy.ResponseObserver.Source source) {
                                var o = source.observe(st.session.id(), d.host().value());
                                if (o != null) {
                                    ch.pipeline().addLast(new ResponseObserverHandler(o));
                                }
                            }
                        }
                        ch.pipeline().addLast("relay", relay);
                    }
                });
        ChannelFuture cf = g.connector().connect(b, d.socketAddress());
        st.upstream = cf.channel();
        st.upstreamDestination = d;
        st.upstreamTls = tls;
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                out.release();
                relay.fail(new Deny(502, "cannot connect to " + d.host() + ":" + d.port() + ": "
                        + f.cause().getClass().getSimpleName(), "upstream-connect", null, null, "retry later", DenialKind.NETWORK));
                return;
            }
            if (tls) {
                SslHandler ssl = cf.channel().pipeline().get(SslHandler.class);
                ssl.handshakeFuture().addListener(h -> {
                    if (!h.isSuccess()) {
                        relay.fail(new Deny(502, "upstream TLS failed for " + d.host() + ": " + rootMessage(h.cause()),
                                "upstream-tls", null, null, "the upstream certificate is not trusted or does not match; "
                                + "the guard never accepts an unverified upstream", DenialKind.NETWORK));
                    }
                });
            }
            cf.channel().writeAndFlush(out);
        });
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return m.length() > 200 ? m.substring(0, 200) : m;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel up = st.upstream;
        if (ctx.channel().isWritable() && up != null && !up.config().isAutoRead()) {
            up.config().setAutoRead(true);
            up.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (st.upstream != null) {
            st.upstream.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // TLS handshake failures (SNI mismatch, client not trusting the CA), resets: nothing to answer, just close.
        ctx.close();
    }
}
