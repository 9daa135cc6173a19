package dev.airlock.proxy.netty;

import dev.airlock.core.event.DenialKind;
import dev.airlock.proxy.Deny;
import dev.airlock.proxy.Destination;
import dev.airlock.proxy.RouteDecision;
import dev.airlock.proxy.Session;
import dev.airlock.proxy.policy.DestinationPolicy;
import dev.airlock.proxy.policy.HostName;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Judges each request head before any body is read: framing (smuggling defences), session identity (407),
 * request form (absolute-form outside a tunnel, origin-form with a matching {@code Host} inside), WebSocket
 * refusal, and the cheap part of the destination policy. A CONNECT that passes is resolved once and turned into
 * an intercepted TLS tunnel by {@link TunnelSwitch}. Anything refused is answered and the connection closed, so
 * the rest of the refused message can never be read as a new request.
 *
 * <pre>{@code p.addLast("gate", new RequestHeadGate(guard, state)); p.addLast("aggregator", ...)}</pre>
 */
final class RequestHeadGate extends ChannelInboundHandlerAdapter {
    /** Random per guard start, so ids from different runs do not collide; a counter makes each id unique within one. */
    private static final String ID_PREFIX = "r-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt()) + "-";
    private static final AtomicLong NEXT_ID = new AtomicLong();
    private final GuardContext g;
    private final ConnectionState st;
    private boolean discarding;

    RequestHeadGate(GuardContext g, ConnectionState st) {
        this.g = g;
        this.st = st;
    }

    /** Unique, not secret: it only correlates a response with its audit line (no random bytes per request). */
    static String newRequestId() {
        return ID_PREFIX + Long.toHexString(NEXT_ID.incrementAndGet());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest req) {
            try {
                onHead(ctx, req);
            } finally {
                if (discarding) {
                    ReferenceCountUtil.release(msg);
                }
            }
            return;
        }
        if (msg instanceof HttpContent c && c.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, bad(400, "malformed request body framing: " + reason(c.decoderResult().cause()), "framing"),
                    null, null, -1, null);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest req) {
        String requestId = newRequestId();
        long start = System.nanoTime();
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            int status = cause instanceof TooLongHttpHeaderException ? 431
                    : cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongFrameException ? 431 : 400;
            refuse(ctx, bad(status, "malformed request: " + reason(cause), "framing"), requestId, null, -1, null);
            return;
        }
        List<String> te = req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!te.isEmpty() && (te.size() != 1 || !te.getFirst().trim().equalsIgnoreCase("chunked"))) {
            refuse(ctx, bad(400, "only a single 'Transfer-Encoding: chunked' is accepted", "framing"), requestId, null, -1, null);
            return;
        }
        if (req.headers().getAll(HttpHeaderNames.CONTENT_LENGTH).size() > 1) {
            refuse(ctx, bad(400, "duplicate Content-Length", "framing"), requestId, null, -1, null);
            return;
        }
        if (req.headers().getAll(HttpHeaderNames.HOST).size() > 1) {
            refuse(ctx, bad(400, "duplicate Host header", "framing"), requestId, null, -1, null);
            return;
        }
        if (!st.boundToSocket && st.tunnel == null) {
            // Outside a tunnel every request proves its identity; inside, the CONNECT's identity holds.
            Session s = authenticate(req.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION));
            if (s == null) {
                st.session = null;
                refuse(ctx, new Deny(407, "proxy authentication required", "session", null, null,
                        "authenticate with the session's Proxy-Authorization credentials", DenialKind.NETWORK),
                        requestId, req.method().name(), -1, null);
                return;
            }
            st.session = s;
        }
        if (st.session == null) {
            refuse(ctx, new Deny(407, "this socket's session no longer exists", "session", null, null,
                    "start a new session", DenialKind.NETWORK), requestId, req.method().name(), -1, null);
            return;
        }
        if (st.tunnel != null) {
            inTunnel(ctx, req, requestId, start);
        } else if (req.method().equals(HttpMethod.CONNECT)) {
            connect(ctx, req, requestId, start);
        } else {
            absoluteForm(ctx, req, requestId, start);
        }
    }

    /**
     * The session behind a {@code Proxy-Authorization} value. A keep-alive connection repeats the same value on every
     * request: it is checked once (a SHA-256 and a constant-time compare) and then only compared, as long as the
     * session is still the registered one (a closed or replaced session is checked afresh, and fails).
     */
    private Session authenticate(String proxyAuthorization) {
        if (proxyAuthorization != null && proxyAuthorization.equals(st.authenticatedBy) && st.session != null
                && g.sessions().byId(st.session.id()) == st.session) {
            return st.session;
        }
        Session s = g.sessions().authenticate(proxyAuthorization);
        st.authenticatedBy = s == null ? null : proxyAuthorization;
        return s;
    }

    private void absoluteForm(ChannelHandlerContext ctx, HttpRequest req, String requestId, long start) {
        String uri = req.uri();
        String hostHeader = req.headers().get(HttpHeaderNames.HOST);
        if (uri.startsWith("/") && hostHeader != null) {
            // Origin-form with a Host header (curl --unix-socket, transparent use): the Host names the destination,
            // which then goes through exactly the same policy as an absolute URL would.
            uri = "http://" + hostHeader + uri;
        }
        if (uri.regionMatches(true, 0, "ws://", 0, 5) && isWebSocketUpgrade(req)) {
            // Some WebSocket clients name the ws:// URL itself in absolute-form; it is the same http:// origin.
            uri = "http://" + uri.substring(5);
        }
        if (!uri.regionMatches(true, 0, "http://", 0, 7)) {
            String why = uri.regionMatches(true, 0, "https://", 0, 8)
                    ? "https URLs must be tunnelled with CONNECT" : "a proxy request needs an absolute http:// URL";
            refuse(ctx, bad(400, why, "request-form"), requestId, req.method().name(), -1, null);
            return;
        }
        int end = 7;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        String authority = uri.substring(7, end);
        String target = end == uri.length() ? "/" : uri.substring(end);
        if (target.charAt(0) != '/') {
            target = "/" + target;
        }
        Authority a = Authority.parse(authority, 80);
        if (a == null) {
            refuse(ctx, bad(400, "invalid authority in request URL", "invalid-host"), requestId, req.method().name(), -1, null);
            return;
        }
        String host = req.headers().get(HttpHeaderNames.HOST);
        // A Host byte-identical to the URL's authority (what clients send) names the same host and port: the
        // authority parsed above, so parsing it again (IDN and all) could only agree.
        if (host != null && !host.equals(authority) && !hostMatches(host, a.host(), a.port(), 80)) {
            refuse(ctx, Deny.network("Host header does not match the request URL", "host-mismatch",
                    "send the same host in the URL and the Host header"), requestId, req.method().name(), -1, target);
            return;
        }
        admit(ctx, req, requestId, start, "http", a.host(), a.port(), target);
    }

    private void inTunnel(ChannelHandlerContext ctx, HttpRequest req, String requestId, long start) {
        Destination t = st.tunnel;
        String uri = req.uri();
        String target;
        if (uri.startsWith("/")) {
            target = uri;
        } else if (uri.regionMatches(true, 0, "https://", 0, 8)) {
            int end = 8;
            while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
                end++;
            }
            Authority a = Authority.parse(uri.substring(8, end), 443);
            if (a == null || !sameHost(a.host(), t.host()) || a.port() != t.port()) {
                refuse(ctx, Deny.network("request URL does not match the CONNECT host", "host-mismatch",
                        "send requests for " + t.host() + " only in this tunnel"), requestId, req.method().name(), -1, null);
                return;
            }
            target = end == uri.length() ? "/" : uri.substring(end);
        } else {
            refuse(ctx, bad(400, "unsupported request target form", "request-form"), requestId, req.method().name(), -1, null);
            return;
        }
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (host == null || !hostMatches(host, t.host().value(), t.port(), 443)) {
            refuse(ctx, Deny.network("Host header does not match the CONNECT host", "host-mismatch",
                    "send requests for " + t.host() + " only in this tunnel"), requestId, req.method().name(), -1, target);
            return;
        }
        admit(ctx, req, requestId, start, "https", t.host().value(), t.port(), target);
    }

    private void admit(ChannelHandlerContext ctx, HttpRequest req, String requestId, long start, String scheme,
                       String rawHost, int port, String target) {
        Object checked = DestinationPolicy.check(st.session.policy(), req.method().name(), rawHost, port);
        if (checked instanceof Deny d) {
            refuse(ctx, d, requestId, req.method().name(), port, target, rawHost);
            return;
        }
        HostName host = (HostName) checked;
        long length = HttpUtil.getContentLength(req, -1L);
        if (length > st.session.policy().maxBodyBytes() || length > g.maxBodyBytes()) {
            refuse(ctx, new Deny(413, "request body of " + length + " bytes exceeds the scan cap", "body-too-large",
                    null, "body", "send at most " + Math.min(st.session.policy().maxBodyBytes(), g.maxBodyBytes())
                    + " bytes per request", DenialKind.RESOURCE), requestId, req.method().name(), port, target, rawHost);
            return;
        }
        boolean webSocket = isWebSocketUpgrade(req);
        if (webSocket && !st.session.policy().webSockets().allows(host)) {
            refuse(ctx, new Deny(403, "WebSocket upgrades to " + host + " are refused by policy", "websocket", null, null,
                    "use plain HTTP requests, or ask the operator to list the host under webSockets.allow",
                    DenialKind.POLICY), requestId, req.method().name(), port, target, rawHost);
            return;
        }
        if (webSocket && (!req.method().equals(HttpMethod.GET) || length > 0 || HttpUtil.isTransferEncodingChunked(req))) {
            refuse(ctx, bad(400, "a WebSocket upgrade must be a GET without a body", "websocket"), requestId,
                    req.method().name(), port, target, rawHost);
            return;
        }
        st.webSocket = webSocket;
        st.pending = new ConnectionState.Head(requestId, req.method().name(), scheme, host, port, target,
                HttpUtil.isKeepAlive(req), start);
        ctx.fireChannelRead(req);
    }

    private void connect(ChannelHandlerContext ctx, HttpRequest req, String requestId, long start) {
        discarding = true; // the CONNECT's (empty) content is dropped; the gate is replaced on success
        Authority a = Authority.parse(req.uri(), -1);
        if (a == null || a.port() < 0) {
            refuse(ctx, bad(400, "CONNECT target must be host:port", "invalid-host"), requestId, "CONNECT", -1, null);
            return;
        }
        Object checked = DestinationPolicy.check(st.session.policy(), "CONNECT", a.host(), a.port());
        if (checked instanceof Deny d) {
            refuse(ctx, d, requestId, "CONNECT", a.port(), null, a.host());
            return;
        }
        HostName host = (HostName) checked;
        ctx.channel().config().setAutoRead(false);
        CompletableFuture.supplyAsync(() -> DestinationPolicy.resolve(st.session.policy(), g.resolver(), host, a.port()), g.workers())
                .whenComplete((decision, error) -> ctx.executor().execute(() -> {
                    RouteDecision r = error != null
                            ? new Deny(502, "resolution failed", "dns", null, null, "retry later", DenialKind.NETWORK)
                            : decision;
                    switch (r) {
                        case Deny d -> refuse(ctx, d, requestId, "CONNECT", a.port(), null, host.value());
                        case Destination d -> {
                            st.tunnel = d;
                            st.tunnelRequestId = requestId;
                            st.tunnelStartNanos = start;
                            TunnelSwitch.open(ctx, g, st);
                        }
                    }
                }));
    }

    private void refuse(ChannelHandlerContext ctx, Deny d, String requestId, String method, int port, String target) {
        refuse(ctx, d, requestId, method, port, target, st.tunnel == null ? null : st.tunnel.host().value());
    }

    private void refuse(ChannelHandlerContext ctx, Deny d, String requestId, String method, int port, String target, String host) {
        discarding = true;
        Responses.refuse(ctx, g, st, d, requestId == null ? newRequestId() : requestId, method, host, port, target,
                System.nanoTime());
    }

    private static boolean isWebSocketUpgrade(HttpRequest req) {
        String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    private static Deny bad(int status, String error, String rule) {
        return new Deny(status, error, rule, null, null, "send a well-formed HTTP/1.1 request", DenialKind.NETWORK);
    }

    private static String reason(Throwable t) {
        String m = t == null ? null : t.getMessage();
        if (m == null) {
            return t == null ? "unknown" : t.getClass().getSimpleName();
        }
        // Decoder messages can quote input; keep them short and printable.
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < m.length() && sb.length() < 120; i++) {
            char c = m.charAt(i);
            sb.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return sb.toString();
    }

    private static boolean sameHost(String raw, HostName expected) {
        try {
            return HostName.parse(raw).equals(expected);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hostMatches(String hostHeader, String host, int port, int defaultPort) {
        Authority a = Authority.parse(hostHeader, defaultPort);
        if (a == null) {
            return false;
        }
        try {
            return HostName.parse(a.host()).equals(HostName.parse(host)) && a.port() == port;
        } catch (IllegalArgumentException e) {
            // IP literals and invalid names never match a name.
            return a.host().equalsIgnoreCase(host) && a.port() == port;
        }
    }

    /** {@code host[:port]} with strict character rules; {@code null} when malformed. */
    record Authority(String host, int port) {
        static Authority parse(String s, int defaultPort) {
            if (s == null || s.isEmpty() || s.length() > 262) {
                return null;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c <= 0x20 || c >= 0x7f || c == '@' || c == '/' || c == '\\') {
                    return null;
                }
            }
            String host;
            String port = null;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0) {
                    return null;
                }
                host = s.substring(0, close + 1);
                if (close + 1 < s.length()) {
                    if (s.charAt(close + 1) != ':') {
                        return null;
                    }
                    port = s.substring(close + 2);
                }
            } else {
                int colon = s.lastIndexOf(':');
                if (colon >= 0 && s.indexOf(':') != colon) {
                    host = s; // bare IPv6: left to the IP-literal check
                } else if (colon >= 0) {
                    host = s.substring(0, colon);
                    port = s.substring(colon + 1);
                } else {
                    host = s;
                }
            }
            int p = defaultPort;
            if (port != null) {
                if (port.isEmpty() || port.length() > 5) {
                    return null;
                }
                p = 0;
                for (int i = 0; i < port.length(); i++) {
                    char c = port.charAt(i);
                    if (c < '0' || c > '9') {
                        return null;
                    }
                    p = p * 10 + (c - '0');
                }
                if (p < 1 || p > 65535) {
                    return null;
                }
            }
            return host.isEmpty() ? null : new Authority(host, p);
        }
    }
}
