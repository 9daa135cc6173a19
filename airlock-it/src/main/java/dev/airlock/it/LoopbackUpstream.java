package dev.airlock.it;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTPS server on 127.0.0.1 (ephemeral port) behind the guard; records what reaches it and answers
 * {"ok":true}, or whatever its {@link Responder} writes.
 */
public final class LoopbackUpstream implements AutoCloseable {
    /** Writes the answer to one recorded request (e.g. a streamed API response). */
    public interface Responder {
        void respond(ChannelHandlerContext ctx, FullHttpRequest request);
    }

    private static final Responder OK = (ctx, req) -> {
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        ctx.writeAndFlush(resp);
    };

    public record Received(String method, String uri, String headers, String body) {
        public String all() {
            return method + " " + uri + "\n" + headers + "\n" + body;
        }
    }

    public final List<Received> received = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    private final Responder responder;

    public LoopbackUpstream(SslContext tls) throws InterruptedException {
        this(tls, OK);
    }

    public LoopbackUpstream(SslContext tls, Responder responder) throws InterruptedException {
        this.responder = responder;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), new HttpServerCodec(),
                                new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            StringBuilder h = new StringBuilder();
            req.headers().forEach(e -> h.append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
            received.add(new Received(req.method().name(), req.uri(), h.toString(),
                    new String(ByteBufUtil.getBytes(req.content()), StandardCharsets.UTF_8)));
            responder.respond(ctx, req);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
