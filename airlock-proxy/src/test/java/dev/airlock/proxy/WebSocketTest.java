package dev.airlock.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket upgrades through the guard with real Netty peers on loopback: an echo upstream (which records every
 * message it receives) and a client speaking absolute-form through the proxy, with its own fragmentation.
 */
class WebSocketTest {
    private static final String CANARY = "canary-7f3a9c1e5b2d";

    private EventLoopGroup group;
    private Channel upstreamServer;
    private Channel tlsServer;
    private final List<String> upstreamReceived = new CopyOnWriteArrayList<>();
    private GuardFixture f;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        upstreamServer = echoServer(false);
        // The TLS twin (wss:// through CONNECT): the guard verifies it against the fixture's upstream CA.
        tlsServer = echoServer(true);
        int wsPort = ((InetSocketAddress) upstreamServer.localAddress()).getPort();
        f = new GuardFixture(", \"webSockets\": {\"allow\": [\"echo.test\"], \"maxFrameBytes\": 4096, \"maxMessageBytes\": 8192}",
                Duration.ofSeconds(5), List.of(wsPort, ((InetSocketAddress) tlsServer.localAddress()).getPort()));
        tlsContext = f.upstreamCa.serverContext("echo.test"); // read per connection, so set before any client dials
    }

    private volatile io.netty.handler.ssl.SslContext tlsContext;

    private Channel echoServer(boolean tls) throws Exception {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls) {
                            ch.pipeline().addLast(tlsContext.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/ws"), new WebSocketFrameAggregator(1 << 20),
                                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame m) {
                                        upstreamReceived.add(m.text());
                                        ctx.writeAndFlush(new TextWebSocketFrame("echo:" + m.text()));
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
        upstreamServer.close().sync();
        tlsServer.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private int wsPort() {
        return ((InetSocketAddress) upstreamServer.localAddress()).getPort();
    }

    /** A connected WebSocket client through the guard; frames it receives land in {@link #received}. */
    private final class Client {
        final BlockingQueue<WebSocketFrame> received = new LinkedBlockingQueue<>();
        final Channel ch;
        volatile Throwable failure;

        Client(String host) throws Exception {
            this(host, true);
        }

        Client(String host, boolean mask) throws Exception {
            DefaultHttpHeaders headers = new DefaultHttpHeaders();
            headers.set(HttpHeaderNames.PROXY_AUTHORIZATION, GuardFixture.proxyAuth());
            WebSocketClientHandshaker hs = WebSocketClientHandshakerFactory.newHandshaker(
                    URI.create("ws://" + host + ":" + wsPort() + "/ws"), WebSocketVersion.V13, null, false, headers,
                    65536, mask, false, -1, true);
            ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                    new SimpleChannelInboundHandler<Object>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                            if (!hs.isHandshakeComplete()) {
                                                hs.finishHandshake(ctx.channel(), (FullHttpResponse) msg);
                                                return;
                                            }
                                            received.add(((WebSocketFrame) msg).retain());
                                        }

                                        @Override
                                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                            failure = cause;
                                            ctx.close();
                                        }
                                    });
                        }
                    }).connect("127.0.0.1", f.port()).sync().channel();
            hs.handshake(ch).sync();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!hs.isHandshakeComplete() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(hs.isHandshakeComplete()).as("handshake through the guard: %s", failure).isTrue();
        }

        String nextText() throws InterruptedException {
            WebSocketFrame fr = received.poll(5, TimeUnit.SECONDS);
            assertThat(fr).as("a frame from the guard").isInstanceOf(TextWebSocketFrame.class);
            String t = ((TextWebSocketFrame) fr).text();
            fr.release();
            return t;
        }

        int closeStatus() throws InterruptedException {
            WebSocketFrame fr = received.poll(5, TimeUnit.SECONDS);
            assertThat(fr).as("a close frame from the guard").isInstanceOf(CloseWebSocketFrame.class);
            int status = ((CloseWebSocketFrame) fr).statusCode();
            fr.release();
            assertThat(ch.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS)).as("guard closed the connection").isTrue();
            return status;
        }
    }

    @Test
    void cleanMessagesAndFragmentsEchoBack() throws Exception {
        Client c = new Client("echo.test");
        c.ch.writeAndFlush(new TextWebSocketFrame("hello"));
        assertThat(c.nextText()).isEqualTo("echo:hello");
        c.ch.writeAndFlush(new TextWebSocketFrame(false, 0, "frag-one "));
        c.ch.writeAndFlush(new ContinuationWebSocketFrame(false, 0, "frag-two "));
        c.ch.writeAndFlush(new ContinuationWebSocketFrame(true, 0, "frag-three"));
        assertThat(c.nextText()).isEqualTo("echo:frag-one frag-two frag-three");
        assertThat(upstreamReceived).containsExactly("hello", "frag-one frag-two frag-three");
        assertThat(f.denials).isEmpty();
        c.ch.close().sync();
    }

    @Test
    void secretInOneFrameClosesWith1008AndNeverReachesUpstream() throws Exception {
        Client c = new Client("echo.test");
        c.ch.writeAndFlush(new TextWebSocketFrame("warm-up"));
        assertThat(c.nextText()).isEqualTo("echo:warm-up");
        c.ch.writeAndFlush(new TextWebSocketFrame("{\"key\":\"" + GuardFixture.REAL_ANTHROPIC + "\"}"));
        assertThat(c.closeStatus()).isEqualTo(1008);
        assertThat(upstreamReceived).containsExactly("warm-up");
        assertThat(f.denials).hasSize(1);
        assertThat(f.denials.getFirst().toString()).doesNotContain(GuardFixture.REAL_ANTHROPIC);
    }

    @Test
    void secretSplitAcrossFragmentsIsFound() throws Exception {
        Client c = new Client("echo.test");
        c.ch.writeAndFlush(new TextWebSocketFrame(false, 0, "token=" + CANARY.substring(0, 10)));
        c.ch.writeAndFlush(new ContinuationWebSocketFrame(true, 0, CANARY.substring(10) + " end"));
        assertThat(c.closeStatus()).isEqualTo(1008);
        assertThat(upstreamReceived).isEmpty();
        assertThat(f.denials).hasSize(1);
        assertThat(f.denials.getFirst().rule()).contains("canary");
    }

    @Test
    void messageAboveTheCapClosesWith1009() throws Exception {
        Client c = new Client("echo.test");
        String chunk = "x".repeat(4000);
        c.ch.writeAndFlush(new TextWebSocketFrame(false, 0, chunk));
        c.ch.writeAndFlush(new ContinuationWebSocketFrame(false, 0, chunk));
        c.ch.writeAndFlush(new ContinuationWebSocketFrame(true, 0, chunk));
        assertThat(c.closeStatus()).isEqualTo(1009);
        assertThat(upstreamReceived).isEmpty();
    }

    @Test
    void jdkWebSocketOverWssThroughConnect() throws Exception {
        BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
        java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                texts.add(data.toString());
                ws.request(1);
                return null;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int status, String reason) {
                closes.add(status);
                return null;
            }
        };
        int port = ((InetSocketAddress) tlsServer.localAddress()).getPort();
        java.net.http.WebSocket ws = Clients.jdk(f, java.net.http.HttpClient.Redirect.NEVER).newWebSocketBuilder()
                .buildAsync(URI.create("wss://echo.test:" + port + "/ws"), listener).get(10, TimeUnit.SECONDS);
        ws.sendText("hello over wss", true).get(5, TimeUnit.SECONDS);
        assertThat(texts.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:hello over wss");
        ws.sendText("token=" + CANARY.substring(0, 9), false).get(5, TimeUnit.SECONDS);
        ws.sendText(CANARY.substring(9), true).get(5, TimeUnit.SECONDS);
        assertThat(closes.poll(5, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(upstreamReceived).containsExactly("hello over wss");
        assertThat(f.denials).hasSize(1);
    }

    @Test
    void unmaskedClientFramesAreAProtocolError() throws Exception {
        Client c = new Client("echo.test", false);
        c.ch.writeAndFlush(new TextWebSocketFrame("unmasked"));
        assertThat(c.closeStatus()).isEqualTo(1002);
        assertThat(upstreamReceived).isEmpty();
    }

    @Test
    void upgradeToAHostNotListedIsRefusedWith403() throws Exception {
        String r = f.raw("GET http://api.test:" + f.http.port() + "/ws HTTP/1.1\r\nHost: api.test:" + f.http.port()
                + "\r\nProxy-Authorization: " + GuardFixture.proxyAuth() + "\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 403").contains("\"rule\":\"websocket\"");
        assertThat(f.http.received).isEmpty();
    }
}
