package dev.airlock.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * The client TLS context of the guard's connections to upstreams, built at the first HTTPS request that is
 * forwarded: building it reads and parses the trust store (about a tenth of a second of CPU), which a guard whose
 * agent never reaches an upstream should not pay. What can be checked without reading the store is checked at start
 * ({@link UpstreamTrust#checkAtStart}). Endpoint identification is always on.
 *
 * <p>A context that cannot be built is remembered too: its inputs were fixed at start, so building again would fail
 * again, on an event loop, for every forward. The failure is logged once, and every HTTPS forward from then on is
 * refused at once with the same message, until the guard is restarted; none goes unverified.
 */
public final class UpstreamTls {
    private final UpstreamTrust trust;
    private volatile SslContext context;
    /** The refusal of every forward once the build failed; null while it has not. */
    private volatile String failure;

    public UpstreamTls(UpstreamTrust trust) {
        this.trust = trust;
    }

    /** @throws SSLException (a new one each time, with the same message) once the context could not be built */
    public SslContext context() throws SSLException {
        SslContext c = context;
        if (c != null) {
            return c;
        }
        String f = failure;
        if (f != null) {
            throw new SSLException(f);
        }
        synchronized (this) {
            if (context == null && failure == null) {
                build();
            }
            if (failure != null) {
                throw new SSLException(failure);
            }
            return context;
        }
    }

    private void build() {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .endpointIdentificationAlgorithm("HTTPS");
            trust.configure(b);
            context = b.build();
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            // The causes' messages say what is wrong with the store (bad format, wrong password) and hold no secret.
            failure = "upstream TLS is unavailable: cannot use " + trust.describe() + ": " + causes(e) + "; "
                    + trust.remedy();
            Logger.getLogger(UpstreamTls.class.getName()).severe(failure); // looked up only on this path
        }
    }

    /** The messages of {@code e} and its causes, without repeats (wrappers often copy their cause's message). */
    private static String causes(Throwable e) {
        StringBuilder s = new StringBuilder();
        String last = null;
        for (Throwable c = e; c != null && s.length() < 400; c = c.getCause()) {
            String m = c.getMessage() == null || c.getMessage().isEmpty() ? c.getClass().getSimpleName() : c.getMessage();
            if (last == null || !last.contains(m)) {
                s.append(s.isEmpty() ? "" : ": ").append(m);
            }
            last = m;
        }
        return s.toString();
    }
}
