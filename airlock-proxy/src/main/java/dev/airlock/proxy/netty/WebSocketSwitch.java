package dev.airlock.proxy.netty;

import dev.airlock.proxy.ScanInterceptor;
import dev.airlock.proxy.policy.WebSocketPolicy;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.util.List;

/**
 * After the upstream answered an allowed upgrade with 101, turns both connections from HTTP into WebSocket:
 * <pre>
 * client ─▶ … (tls) → ws-encoder → ws-decoder (masked frames, size caps) → ws-scan (WebSocketScanHandler) ─▶ upstream
 * upstream ─▶ (tls) → ws-encoder (masks) → ws-relay (RawRelay: server frames as bytes) ─▶ client
 * </pre>
 * Server→client bytes are relayed untouched; only what leaves (client→server) is decoded and scanned.
 */
final class WebSocketSwitch {
    private static final List<String> CLIENT_HTTP = List.of("deadline", "gate", "aggregator", "exchange",
            "https-gate", "https-aggregator", "https-exchange", "codec", "https-codec",
            "one-at-a-time", "https-one-at-a-time");

    private WebSocketSwitch() {
    }

    static void open(ChannelHandlerContext client, ChannelHandlerContext upstream, GuardContext g, ConnectionState st,
                     ConnectionState.Head head) {
        WebSocketPolicy policy = st.session.policy().webSockets();
        ScanInterceptor scanner = null;
        for (var i : g.interceptors()) {
            if (i instanceof ScanInterceptor s) {
                scanner = s;
            }
        }
        if (scanner == null) {
            // No scanner wired: nothing may pass unscanned.
            client.close();
            upstream.close();
            return;
        }
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .maxFramePayloadLength(policy.maxFrameBytes())
                .closeOnProtocolViolation(true)
                .build();
        ChannelPipeline up = upstream.pipeline();
        up.addLast("ws-encoder", new WebSocket08FrameEncoder(true));
        up.addLast("ws-relay", new RawRelay(client.channel()));
        up.remove("relay");
        up.remove("codec");

        ChannelPipeline cp = client.pipeline();
        // The encoder sits before the decoder so the decoder's own close frames (protocol errors, 1009) get encoded.
        cp.addLast("ws-encoder", new WebSocket08FrameEncoder(false));
        cp.addLast("ws-decoder", new WebSocket08FrameDecoder(config));
        cp.addLast("ws-scan", new WebSocketScanHandler(g, st, head, scanner, upstream.channel(), policy.maxMessageBytes()));
        for (String name : CLIENT_HTTP) {
            if (cp.get(name) != null) {
                cp.remove(name);
            }
        }
        st.inFlight = false;
        client.channel().config().setAutoRead(true);
        client.channel().read();
    }
}
