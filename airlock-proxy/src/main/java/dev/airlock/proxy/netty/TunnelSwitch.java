package dev.airlock.proxy.netty;

import dev.airlock.core.event.DenialEvent;
import dev.airlock.core.event.DenialKind;
import dev.airlock.proxy.audit.AuditRecord;
import dev.airlock.proxy.policy.HostName;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Turns an accepted CONNECT into an intercepted TLS tunnel: answers 200, then re-plumbs the pipeline to
 * {@code tls-gate → sni → https-codec → https-gate → https-aggregator → https-exchange}. The certificate is
 * minted for the CONNECT host; a ClientHello whose SNI names any other host fails the handshake.
 */
final class TunnelSwitch {
    private TunnelSwitch() {
    }

    static void open(ChannelHandlerContext gateCtx, GuardContext g, ConnectionState st) {
        ChannelPipeline p = gateCtx.pipeline();
        RequestDeadline deadline = p.get(RequestDeadline.class);
        if (deadline != null) {
            deadline.disarm(); // the CONNECT request is complete; the tunnel's first request re-arms it
        }
        if (st.upstream != null) {
            st.upstream.close();
            st.upstream = null;
            st.upstreamDestination = null;
        }
        gateCtx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                new HttpResponseStatus(200, "Connection Established")));
        g.metrics().request("allow");
        g.audit().record(new AuditRecord(Instant.now(), st.session.id().value(), st.tunnelRequestId, "tunnel", "CONNECT",
                st.tunnel.host().value(), st.tunnel.port(), null, 200, 0, 0,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - st.tunnelStartNanos), "allow", null));
        Mapping<String, SslContext> certificates = sni -> {
            HostName expected = st.tunnel.host();
            if (sni != null) {
                HostName presented;
                try {
                    presented = HostName.parse(sni);
                } catch (IllegalArgumentException e) {
                    presented = null;
                }
                if (!expected.equals(presented)) {
                    sniMismatch(g, st);
                    throw new IllegalArgumentException("TLS SNI does not match the CONNECT host");
                }
            }
            try {
                return g.ca().serverContext(expected.value());
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException(e);
            }
        };
        p.addAfter("codec", "tls-gate", new TlsRecordGate(g, st));
        p.addAfter("tls-gate", "sni", new SniHandler(certificates));
        p.addAfter("sni", "https-codec", ClientInitializer.codec(g));
        p.addAfter("https-codec", "https-one-at-a-time", new io.netty.handler.flow.FlowControlHandler());
        p.addAfter("https-one-at-a-time", "https-gate", new RequestHeadGate(g, st));
        p.addAfter("https-gate", "https-aggregator", ClientInitializer.aggregator(g, st));
        p.addAfter("https-aggregator", "https-exchange", new ExchangeHandler(g, st));
        p.remove("gate");
        p.remove("aggregator");
        p.remove("exchange");
        p.remove("codec");
        p.remove("one-at-a-time");
        gateCtx.channel().config().setAutoRead(true);
    }

    private static void sniMismatch(GuardContext g, ConnectionState st) {
        String session = st.session.id().value();
        g.denials().accept(new DenialEvent(Instant.now(), session, null, DenialKind.NETWORK, "CONNECT",
                st.tunnel.host() + ":" + st.tunnel.port(), "sni-mismatch",
                "the TLS server name must be the host named in CONNECT"));
        g.metrics().request("deny");
        g.metrics().block("sni-mismatch");
        g.audit().record(new AuditRecord(Instant.now(), session, st.tunnelRequestId, "tunnel", "CONNECT",
                st.tunnel.host().value(), st.tunnel.port(), null, 0, 0, 0,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - st.tunnelStartNanos), "deny", "sni-mismatch"));
    }
}
