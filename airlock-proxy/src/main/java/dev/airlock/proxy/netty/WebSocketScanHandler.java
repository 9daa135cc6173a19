package dev.airlock.proxy.netty;

import dev.airlock.core.event.DenialKind;
import dev.airlock.proxy.Deny;
import dev.airlock.proxy.ScanInterceptor;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.ScanStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Scans every client→server WebSocket message before any of it leaves. The frames of a message (first frame plus
 * continuations) are held, their payloads written one by one into a single {@link ScanStream} (so a secret split
 * across fragments is still one match), and forwarded only once the final fragment scanned clean. Control frames
 * (ping, pong, close) are scanned on their own. A finding closes the client with 1008 (policy violation), drops
 * the upstream, and reports the denial like any refused request.
 */
final class WebSocketScanHandler extends ChannelInboundHandlerAdapter {
    private final GuardContext g;
    private final ConnectionState st;
    private final ConnectionState.Head head;
    private final ScanInterceptor scanner;
    private final Channel upstream;
    private final int maxMessageBytes;

    private final List<WebSocketFrame> held = new ArrayList<>();
    private ScanStream stream;
    private long streamStartNanos;
    private long messageBytes;
    private boolean closed;

    WebSocketScanHandler(GuardContext g, ConnectionState st, ConnectionState.Head head, ScanInterceptor scanner,
                         Channel upstream, int maxMessageBytes) {
        this.g = g;
        this.st = st;
        this.head = head;
        this.scanner = scanner;
        this.upstream = upstream;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame) || closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (isControl(frame)) {
                Deny d = scanWhole(frame);
                if (d != null) {
                    frame.release();
                    violation(ctx, d);
                    return;
                }
                forward(ctx, List.of(frame));
                return;
            }
            if (!(frame instanceof ContinuationWebSocketFrame)) {
                stream = scanner.scannerFor(st.session.policy()).open("websocket-message");
                streamStartNanos = System.nanoTime();
                messageBytes = 0;
            }
            held.add(frame);
            messageBytes += frame.content().readableBytes();
            if (messageBytes > maxMessageBytes) {
                tooBig(ctx);
                return;
            }
            write(stream, frame.content());
            if (frame.isFinalFragment()) {
                ScanResult result = stream.finish();
                closeStream();
                Deny d = scanner.judge(st.session.policy(), result, "websocket-message", System.nanoTime() - streamStartNanos);
                if (d != null) {
                    violation(ctx, d);
                    return;
                }
                List<WebSocketFrame> message = List.copyOf(held);
                held.clear();
                forward(ctx, message);
            }
        } catch (RuntimeException e) {
            // The scanner failed: the message cannot be judged, so it does not leave (fail closed).
            violation(ctx, new Deny(403, "WebSocket message scan failed; refused (fail closed)", "scan-error", null,
                    "websocket-message", "send smaller messages", DenialKind.POLICY));
        }
    }

    private Deny scanWhole(WebSocketFrame frame) {
        long start = System.nanoTime();
        ScanResult result;
        try (ScanStream s = scanner.scannerFor(st.session.policy()).open("websocket-control")) {
            write(s, frame.content());
            result = s.finish();
        }
        return scanner.judge(st.session.policy(), result, "websocket-control", System.nanoTime() - start);
    }

    private static void write(ScanStream s, ByteBuf content) {
        byte[] bytes = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), bytes);
        s.write(bytes, 0, bytes.length);
    }

    private void forward(ChannelHandlerContext ctx, List<WebSocketFrame> frames) {
        for (WebSocketFrame f : frames) {
            upstream.write(f);
        }
        upstream.flush();
        if (!upstream.isWritable()) {
            // Slow upstream: stop reading the client until it drains (RawRelay resumes it).
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void tooBig(ChannelHandlerContext ctx) {
        releaseHeld();
        Deny d = new Deny(403, "WebSocket message exceeds " + maxMessageBytes + " bytes", "websocket-message-too-large",
                null, "websocket-message", "send messages of at most " + maxMessageBytes + " bytes", DenialKind.RESOURCE);
        shut(ctx, d, WebSocketCloseStatus.MESSAGE_TOO_BIG);
    }

    private void violation(ChannelHandlerContext ctx, Deny d) {
        releaseHeld();
        shut(ctx, d, WebSocketCloseStatus.POLICY_VIOLATION);
    }

    private void shut(ChannelHandlerContext ctx, Deny d, WebSocketCloseStatus status) {
        closed = true;
        closeStream();
        // Nothing of the refused message was written upstream; drop the upstream so no half-message lingers.
        upstream.close();
        Responses.report(g, st, d, head.requestId(), "WEBSOCKET", head.host().value(), head.port(), head.target(),
                System.nanoTime());
        // The reason is short and redacted (rule id only): close reasons are limited to 123 bytes.
        String reason = "airlock: " + (d.rule() == null ? "refused" : d.rule());
        if (reason.length() > 120) {
            reason = reason.substring(0, 120);
        }
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), reason)).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseHeld() {
        for (WebSocketFrame f : held) {
            ReferenceCountUtil.release(f);
        }
        held.clear();
    }

    private void closeStream() {
        if (stream != null) {
            try {
                stream.close();
            } catch (RuntimeException e) {
                // closing a finished stream: nothing to keep
            }
            stream = null;
        }
    }

    private static boolean isControl(WebSocketFrame f) {
        return f instanceof CloseWebSocketFrame || f instanceof io.netty.handler.codec.http.websocketx.PingWebSocketFrame
                || f instanceof io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !upstream.config().isAutoRead()) {
            upstream.config().setAutoRead(true);
            upstream.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        closeStream();
        upstream.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
