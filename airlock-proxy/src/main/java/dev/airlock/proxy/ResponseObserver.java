package dev.airlock.proxy;

import java.nio.ByteBuffer;

/**
 * Watches the responses on one upstream connection without changing them (plain Java; the Netty adapter passes every
 * message on untouched). Responses arrive one after another: {@link #head}, zero or more {@link #body}, {@link #end}.
 * Must not block and must bound whatever it keeps.
 */
public interface ResponseObserver {
    void head(int status, String contentType, String contentEncoding);

    /** A chunk of the body as sent by the upstream; read it, do not keep a reference. */
    void body(ByteBuffer chunk);

    void end();

    /**
     * An interceptor that also wants to see the responses to the requests it let through: asked once per upstream
     * connection (one session, one host).
     */
    interface Source {
        /** The observer for responses of {@code host} to {@code session}, or null to see nothing. */
        ResponseObserver observe(dev.airlock.core.SessionId session, String host);
    }
}
