package dev.airlock.proxy.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Slowloris bound: from the first byte of a request, the whole request (head and body) must arrive within the
 * deadline, however slowly the bytes trickle in; otherwise the connection is closed. {@link ExchangeHandler}
 * disarms it when a complete request has arrived. Sits first in the pipeline, on raw bytes.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
    private final long millis;
    private ScheduledFuture<?> timer;

    RequestDeadline(long millis) {
        this.millis = millis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> {
                ctx.close();
            }, millis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }
}
