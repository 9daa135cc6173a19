package dev.airlock.proxy;

import dev.airlock.core.SessionId;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.policy.HostName;
import java.util.ArrayList;
import java.util.List;

/**
 * One complete request as the interceptors see it, free of Netty types so policy, scanning and injection are
 * plain, testable Java. Immutable; interceptors that change it return a copy.
 *
 * @param requestId   identifier echoed in block responses and the audit log
 * @param session     the authenticated session
 * @param policy      that session's policy
 * @param method      request method, upper case
 * @param scheme      {@code http} (absolute-form) or {@code https} (inside an intercepted CONNECT tunnel)
 * @param host        normalised destination host
 * @param port        destination port
 * @param target      origin-form target ({@code /path?query}) exactly as received
 * @param headers     end-to-end headers (hop-by-hop and proxy headers already removed)
 * @param body        the buffered body after nothing was changed (still Content-Encoded)
 * @param destination where the connection goes, once resolved; {@code null} before routing
 */
public record GuardRequest(
        String requestId,
        SessionId session,
        GuardPolicy policy,
        String method,
        String scheme,
        HostName host,
        int port,
        String target,
        List<Header> headers,
        byte[] body,
        Destination destination) {

    public GuardRequest {
        headers = List.copyOf(headers);
    }

    public String header(String name) {
        for (Header h : headers) {
            if (h.is(name)) {
                return h.value();
            }
        }
        return null;
    }

    public GuardRequest withHeaders(List<Header> newHeaders) {
        return new GuardRequest(requestId, session, policy, method, scheme, host, port, target, newHeaders, body, destination);
    }

    public GuardRequest withDestination(Destination d) {
        return new GuardRequest(requestId, session, policy, method, scheme, host, port, target, headers, body, d);
    }

    /** A copy with {@code name} set to {@code value} (replacing every existing occurrence). */
    public GuardRequest withHeader(String name, String value) {
        List<Header> out = new ArrayList<>();
        for (Header h : headers) {
            if (!h.is(name)) {
                out.add(h);
            }
        }
        out.add(new Header(name, value));
        return withHeaders(out);
    }
}
