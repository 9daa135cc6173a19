package dev.airlock.it;

import dev.airlock.proxy.UpstreamConnector;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every dial and refuses, without dialling, anything not on loopback: if the guard's checks were broken the
 * test fails instead of a packet leaving the machine.
 */
public final class LoopbackOnlyConnector implements UpstreamConnector {
    public final List<InetSocketAddress> dials = new CopyOnWriteArrayList<>();
    public final List<InetSocketAddress> refusedNonLoopback = new CopyOnWriteArrayList<>();

    @Override
    public ChannelFuture connect(Bootstrap bootstrap, InetSocketAddress address) {
        if (!address.getAddress().isLoopbackAddress()) {
            refusedNonLoopback.add(address);
            return bootstrap.register().channel().newFailedFuture(new IllegalStateException("test connector: non-loopback dial refused"));
        }
        dials.add(address);
        return bootstrap.connect(address);
    }
}
