package dev.airlock.proxy.policy;

import java.util.List;

/**
 * Which hosts may be reached over WebSocket, and the bounds on what the guard buffers while it scans. A client
 * message is held (up to {@code maxMessageBytes}) until all its fragments are scanned, so nothing of a message
 * carrying a secret reaches the upstream.
 *
 * @param allow           hosts an upgrade may go to (they must also pass the normal destination policy); empty
 *                        means every upgrade is refused
 * @param maxFrameBytes   largest single frame payload accepted from the client; larger closes with 1009
 * @param maxMessageBytes largest message (all fragments together) accepted from the client; larger closes with 1009
 */
public record WebSocketPolicy(List<HostPattern> allow, int maxFrameBytes, int maxMessageBytes) {
    public static final int DEFAULT_MAX_FRAME_BYTES = 256 * 1024;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
    public static final WebSocketPolicy REFUSE_ALL =
            new WebSocketPolicy(List.of(), DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_MESSAGE_BYTES);

    public WebSocketPolicy {
        allow = List.copyOf(allow);
        if (maxFrameBytes <= 0 || maxMessageBytes <= 0) {
            throw new PolicyException("webSockets: maxFrameBytes and maxMessageBytes must be positive");
        }
        if (maxFrameBytes > maxMessageBytes) {
            throw new PolicyException("webSockets: maxFrameBytes must not exceed maxMessageBytes");
        }
    }

    public boolean allows(HostName host) {
        for (HostPattern p : allow) {
            if (p.matches(host)) {
                return true;
            }
        }
        return false;
    }
}
