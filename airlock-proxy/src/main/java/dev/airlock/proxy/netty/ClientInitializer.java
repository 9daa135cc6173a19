package dev.airlock.proxy.netty;

import dev.airlock.proxy.Session;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The client-side pipeline of the guard, one set of handlers per accepted connection:
 * <pre>
 * idle → deadline → codec (strict decoder + encoder) → gate (framing, session, policy) → aggregator (scan buffer, 100-continue,
 * 413) → exchange (interceptors, forward, relay)
 * </pre>
 */
public final class ClientInitializer extends ChannelInitializer<Channel> {
    private final GuardContext g;
    private final Supplier<Session> boundSession;

    /** @param boundSession for a per-session Unix socket, the session every connection on it belongs to; else null */
    public ClientInitializer(GuardContext g, Supplier<Session> boundSession) {
        this.g = g;
        this.boundSession = boundSession;
    }

    @Override
    protected void initChannel(Channel ch) {
        ConnectionState st = new ConnectionState();
        if (boundSession != null) {
            st.boundToSocket = true;
            st.session = boundSession.get();
        }
        long idle = g.idleTimeout().toMillis();
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
                .addLast("idle-close", new IdleCloser(st))
                .addLast("deadline", new RequestDeadline(g.requestTimeout().toMillis()))
                .addLast("codec", codec(g))
                .addLast("one-at-a-time", new FlowControlHandler())
                .addLast("gate", new RequestHeadGate(g, st))
                .addLast("aggregator", aggregator(g, st))
                .addLast("exchange", new ExchangeHandler(g, st));
    }

    static ChannelHandler codec(GuardContext g) {
        return new CombinedChannelDuplexHandler<>(new StrictRequestDecoder(g.maxInitialLineLength(), g.maxHeaderSize()),
                new HttpResponseEncoder());
    }

    static ChannelHandler aggregator(GuardContext g, ConnectionState st) {
        // Bodies are buffered so they can be scanned before a single byte goes upstream; the cap bounds memory.
        return new HttpObjectAggregator((int) Math.min(Integer.MAX_VALUE, g.maxBodyBytes()), true) {
            @Override
            protected void handleOversizedMessage(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized) {
                // A chunked body that outgrew the cap: same JSON refusal, event and audit line as every other block.
                ConnectionState.Head h = st.pending;
                Responses.refuse(ctx, g, st, new dev.airlock.proxy.Deny(413, "request body exceeds the scan cap of "
                        + g.maxBodyBytes() + " bytes", "body-too-large", null, "body",
                        "send at most " + g.maxBodyBytes() + " bytes per request", dev.airlock.core.event.DenialKind.RESOURCE),
                        h == null ? RequestHeadGate.newRequestId() : h.requestId(), h == null ? null : h.method(),
                        h == null ? null : h.host().value(), h == null ? -1 : h.port(), h == null ? null : h.target(),
                        h == null ? System.nanoTime() : h.startNanos());
            }
        };
    }

    /**
     * Closes connections that stay idle (no reads or writes) too long. Not while a request is in flight: an LLM
     * API may think for minutes before its first byte; that wait is bounded by the upstream read timeout instead.
     */
    static final class IdleCloser extends ChannelDuplexHandler {
        private final ConnectionState st;

        IdleCloser(ConnectionState st) {
            this.st = st;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                if (st.inFlight) {
                    return;
                }
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }
}
