package dev.airlock.proxy;

import dev.airlock.proxy.policy.HostName;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A checked destination: the name the client asked for and the one address the guard will dial for it. */
public record Destination(HostName host, int port, InetAddress address) implements RouteDecision {
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }
}
