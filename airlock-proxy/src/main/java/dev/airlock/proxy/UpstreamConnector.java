package dev.airlock.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;

/**
 * The single place the guard dials out. Injectable so tests can count dials and prove a refused destination was
 * never contacted.
 */
@FunctionalInterface
public interface UpstreamConnector {

    ChannelFuture connect(Bootstrap bootstrap, InetSocketAddress address);

    static UpstreamConnector direct() {
        return Bootstrap::connect;
    }
}
