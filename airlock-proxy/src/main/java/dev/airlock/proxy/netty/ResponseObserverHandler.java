package dev.airlock.proxy.netty;

import dev.airlock.proxy.ResponseObserver;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Shows the upstream's responses to a {@link ResponseObserver} (e.g. the token meter) and passes every message on
 * unchanged; the observer reads the bytes without moving the buffer's reader index.
 * <pre>{@code p.addLast("codec", new HttpClientCodec(...)); p.addLast("observe", this); p.addLast("relay", relay);}</pre>
 */
final class ResponseObserverHandler extends ChannelInboundHandlerAdapter {
    private final ResponseObserver observer;

    ResponseObserverHandler(ResponseObserver observer) {
        this.observer = observer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpResponse r) {
                observer.head(r.status().code(), r.headers().get(HttpHeaderNames.CONTENT_TYPE),
                        r.headers().get(HttpHeaderNames.CONTENT_ENCODING));
            }
            if (msg instanceof HttpContent c && c.content().isReadable()) {
                observer.body(c.content().nioBuffer());
            }
            if (msg instanceof LastHttpContent) {
                observer.end();
            }
        } catch (RuntimeException e) {
            // An observer's failure never changes what the client receives.
        }
        ctx.fireChannelRead(msg);
    }
}
