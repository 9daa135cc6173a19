package dev.airlock.proxy.netty;

import dev.airlock.proxy.Destination;
import dev.airlock.proxy.Session;
import dev.airlock.proxy.policy.HostName;
import io.netty.channel.Channel;

/**
 * Per client connection state shared by that connection's handlers (never across connections): who the session
 * is, the tunnel destination once a CONNECT was accepted, the request in flight, and the reusable upstream.
 */
final class ConnectionState {
    Session session;
    /** The Proxy-Authorization value {@link #session} was authenticated with on this connection. */
    String authenticatedBy;
    /** Set when the session came from the socket itself (a per-session Unix socket); no header needed. */
    boolean boundToSocket;
    Destination tunnel;
    /** The last checked destination of an absolute-form request: reused (not re-resolved) for the same host:port. */
    Destination lastDestination;
    String tunnelRequestId;
    long tunnelStartNanos;
    Head pending;
    /** A request is being inspected or answered: idleness is then the upstream's, not the client's. */
    boolean inFlight;
    Channel upstream;
    /** Where {@link #upstream} is connected (scheme and checked address): reused only for the same again. */
    Destination upstreamDestination;
    boolean upstreamTls;
    boolean sniChecked;
    /** The pending request is an allowed WebSocket upgrade: forward its Upgrade and switch on a 101. */
    boolean webSocket;

    /** The head of the request being processed, kept for routing, the audit record and the block response. */
    record Head(String requestId, String method, String scheme, HostName host, int port, String target,
                boolean keepAlive, long startNanos) {
    }
}
