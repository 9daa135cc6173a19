package dev.airlock.proxy.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Relays server→client WebSocket bytes as they arrive (inbound data is not scanned), pausing the upstream while
 * the client cannot keep up, and closes the client when the upstream goes away.
 */
final class RawRelay extends ChannelInboundHandlerAdapter {
    private final Channel client;

    RawRelay(Channel client) {
        this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        client.writeAndFlush(msg);
        if (!client.isWritable()) {
            // Resumed by ExchangeHandler/WebSocketScanHandler when the client drains.
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // The upstream drained: read from the client again (WebSocketScanHandler paused it).
        if (ctx.channel().isWritable() && !client.config().isAutoRead()) {
            client.config().setAutoRead(true);
            client.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        client.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
