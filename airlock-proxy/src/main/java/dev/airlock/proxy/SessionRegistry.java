package dev.airlock.proxy;

import dev.airlock.core.SessionId;
import dev.airlock.proxy.policy.GuardPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may use the guard. A session authenticates with {@code Proxy-Authorization: Basic base64(id:token)}, or by
 * connecting to its own Unix socket. Only SHA-256 digests of tokens are kept, compared in constant time.
 */
public final class SessionRegistry {
    private record Entry(Session session, byte[] tokenDigest) {
    }

    private final Map<SessionId, Entry> sessions = new ConcurrentHashMap<>();

    public void register(SessionId id, String token, GuardPolicy policy) {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("session token for " + id + " must be at least 16 characters");
        }
        sessions.put(id, new Entry(new Session(id, policy), digest(token)));
    }

    /** Gives a registered session a new policy, keeping its credential; throws if the session is unknown. */
    public void replacePolicy(SessionId id, GuardPolicy policy) {
        Entry replaced = sessions.computeIfPresent(id, (k, e) -> new Entry(new Session(id, policy), e.tokenDigest()));
        if (replaced == null) {
            throw new IllegalStateException("session " + id + " is not registered");
        }
    }

    public void remove(SessionId id) {
        sessions.remove(id);
    }

    public Session byId(SessionId id) {
        Entry e = sessions.get(id);
        return e == null ? null : e.session();
    }

    /** The session named by a {@code Proxy-Authorization} header value, or {@code null} when it does not check out. */
    public Session authenticate(String proxyAuthorization) {
        if (proxyAuthorization == null || !proxyAuthorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(proxyAuthorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        SessionId id;
        try {
            id = new SessionId(decoded.substring(0, colon));
        } catch (IllegalArgumentException e) {
            return null;
        }
        Entry e = sessions.get(id);
        byte[] presented = digest(decoded.substring(colon + 1));
        // Compare even for unknown ids so timing does not reveal which ids exist.
        byte[] expected = e == null ? new byte[presented.length] : e.tokenDigest();
        boolean ok = MessageDigest.isEqual(presented, expected);
        return ok && e != null ? e.session() : null;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
