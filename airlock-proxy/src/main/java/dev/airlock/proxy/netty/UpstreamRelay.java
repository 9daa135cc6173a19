package dev.airlock.proxy.netty;

import dev.airlock.proxy.Deny;
import dev.airlock.proxy.audit.AuditRecord;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Upstream-side handler: relays the response of the current exchange to the client as it arrives (responses
 * are not buffered), then writes the audit record and resumes reading from the client.
 */
final class UpstreamRelay extends ChannelInboundHandlerAdapter {

    /** The request being answered on this upstream connection. */
    record Exchange(ChannelHandlerContext client, GuardContext g, ConnectionState st, ConnectionState.Head head,
                    long bytesIn, String decision, String rule, String auditPath) {
    }

    private Exchange current;
    private boolean responseStarted;
    private boolean upstreamClose;
    private long bytesOut;
    private int status;

    void begin(Exchange exchange) {
        this.current = exchange;
        this.responseStarted = false;
        this.upstreamClose = false;
        this.bytesOut = 0;
        this.status = 0;
    }

    /** Connect or TLS failure before any response: answer the client with the refusal. */
    void fail(Deny deny) {
        Exchange e = current;
        if (e == null || responseStarted) {
            return;
        }
        current = null;
        e.client().executor().execute(() -> Responses.refuse(e.client(), e.g(), e.st(), deny, e.head().requestId(),
                e.head().method(), e.head().host().value(), e.head().port(), e.head().target(), e.head().startNanos()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange e = current;
        if (e == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse resp) {
            if (resp.status().code() == 100) {
                ReferenceCountUtil.release(msg);
                return;
            }
            responseStarted = true;
            status = resp.status().code();
            if (status == 101 && e.st().webSocket) {
                String upgrade = resp.headers().get(HttpHeaderNames.UPGRADE);
                if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
                    ReferenceCountUtil.release(msg);
                    current = null;
                    ctx.close();
                    e.client().close();
                    return;
                }
                e.client().write(msg); // Upgrade and Connection stay: the client must see the switch
                return;
            }
            upstreamClose = !HttpUtil.isKeepAlive(resp);
            var h = resp.headers();
            for (String name : new String[] {"connection", "keep-alive", "proxy-authenticate", "proxy-connection", "te", "trailer", "upgrade"}) {
                h.remove(name);
            }
            if (e.head().method().equals("HEAD")) {
                h.remove(HttpHeaderNames.TRANSFER_ENCODING);
            }
            if (!e.head().keepAlive()) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        }
        if (msg instanceof HttpContent c) {
            bytesOut += c.content().readableBytes();
        }
        boolean last = msg instanceof LastHttpContent;
        if (!last) {
            e.client().write(msg);
            if (msg instanceof HttpContent) {
                e.client().flush();
            }
            if (!e.client().channel().isWritable()) {
                // Slow reader: stop reading upstream until the client drains (ExchangeHandler resumes it).
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        ctx.channel().config().setAutoRead(true);
        current = null;
        e.st().inFlight = false;
        // Audit before the client can see the end of the response: the record exists once the request is done.
        e.g().metrics().request(e.decision());
        e.g().audit().record(new AuditRecord(Instant.now(), e.st().session.id().value(), e.head().requestId(), "request",
                e.head().method(), e.head().host().value(), e.head().port(), e.auditPath(), status, e.bytesIn(), bytesOut,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - e.head().startNanos()), e.decision(), e.rule()));
        if (status == 101 && e.st().webSocket) {
            e.client().writeAndFlush(msg);
            WebSocketSwitch.open(e.client(), ctx, e.g(), e.st(), e.head());
            return;
        }
        var done = e.client().writeAndFlush(msg);
        if (upstreamClose) {
            ctx.close();
        }
        if (!e.head().keepAlive()) {
            done.addListener(ChannelFutureListener.CLOSE);
        } else {
            // Turning auto-read back on issues the one read that lets the flow-control handler hand over the next
            // pipelined request; an extra read() here would hand over a further one while this one is in flight.
            e.client().channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange e = current;
        if (e != null) {
            if (responseStarted) {
                e.client().close();
                current = null;
            } else {
                fail(new Deny(502, "upstream closed the connection before responding", "upstream-closed", null, null,
                        "retry later", dev.airlock.core.event.DenialKind.NETWORK));
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
