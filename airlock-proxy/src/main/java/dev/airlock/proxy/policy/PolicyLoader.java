package dev.airlock.proxy.policy;

import com.fasterxml.jackson.core.JacksonException;
import dev.airlock.core.SessionId;
import dev.airlock.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the operator's JSON policy file (reference: docs/configuration.md). Unknown keys, bad host patterns,
 * missing secrets: every problem is a {@link PolicyException} naming the key, and the guard does not start.
 */
public final class PolicyLoader {
    static final long DEFAULT_MAX_BODY = 8L << 20;
    private final SecretSource secrets;

    public PolicyLoader(SecretSource secrets) {
        this.secrets = secrets;
    }

    /**
     * The parsed policy file: the default policy plus the sessions it declares, and the test-only upstream wiring
     * (null unless the file sets {@code testOnlyResolve} or {@code testOnlyUpstreamTrust}).
     */
    public record Loaded(GuardPolicy defaults, List<SessionConfig> sessions, TestOnlyUpstream testOnlyUpstream) {
    }

    /** One session: its id, its proxy credential and its own policy. */
    public record SessionConfig(SessionId id, String token, GuardPolicy policy) {
        @Override
        public String toString() {
            return "SessionConfig[" + id + "]";
        }
    }

    record File(List<String> allow, List<String> deny, List<Integer> ports, Map<String, List<String>> methods,
                String generic, String failMode, Long maxBodyBytes, Long maxDecodedBodyBytes, Boolean refuseWebSockets,
                WebSockets webSockets,
                List<Credential> credentials, Map<String, String> knownSecrets, Long scanTimeoutMillis,
                Boolean testOnlyAllowLoopbackUpstream, Map<String, String> testOnlyResolve,
                String testOnlyUpstreamTrust, List<Session> sessions) {
    }

    record WebSockets(List<String> allow, Integer maxFrameBytes, Integer maxMessageBytes) {
    }

    record Credential(String host, String header, String placeholder, String secretSource) {
    }

    record Session(String id, String tokenSource, List<String> allow) {
    }

    public Loaded load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new PolicyException("cannot read policy file " + path + ": " + e.getMessage());
        }
        return parse(bytes, path.toString());
    }

    public Loaded parse(byte[] json, String origin) {
        File f;
        try {
            f = Json.mapper().readValue(json, File.class);
        } catch (JacksonException e) {
            throw new PolicyException("policy " + origin + " is not valid: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PolicyException("policy " + origin + " cannot be read: " + e.getMessage());
        }
        if (f == null) {
            throw new PolicyException("policy " + origin + " is empty");
        }
        GuardPolicy defaults = build(f);
        List<SessionConfig> sessions = new ArrayList<>();
        for (Session s : nullToEmpty(f.sessions())) {
            SessionId id;
            try {
                id = new SessionId(s.id());
            } catch (IllegalArgumentException e) {
                throw new PolicyException("sessions: " + e.getMessage());
            }
            String token = secrets.resolve(s.tokenSource());
            GuardPolicy policy = s.allow() == null ? defaults : defaults.withAllow(patterns("sessions." + id + ".allow", s.allow()));
            sessions.add(new SessionConfig(id, token, policy));
        }
        return new Loaded(defaults, List.copyOf(sessions), testOnlyUpstream(f));
    }

    private static TestOnlyUpstream testOnlyUpstream(File f) {
        if (f.testOnlyResolve() == null && f.testOnlyUpstreamTrust() == null) {
            return null;
        }
        if (!Boolean.TRUE.equals(f.testOnlyAllowLoopbackUpstream())) {
            throw new PolicyException("testOnlyResolve and testOnlyUpstreamTrust need testOnlyAllowLoopbackUpstream "
                    + "= true (they only wire a guard to loopback stand-ins in tests)");
        }
        Map<String, java.net.InetAddress> names = new LinkedHashMap<>();
        if (f.testOnlyResolve() != null) {
            f.testOnlyResolve().forEach((name, address) -> {
                HostPattern host = pattern("testOnlyResolve", name);
                if (host.wildcard()) {
                    throw new PolicyException("testOnlyResolve: '" + name + "' must be one exact host name");
                }
                try {
                    names.put(host.host().value(), java.net.InetAddress.ofLiteral(address));
                } catch (IllegalArgumentException e) {
                    throw new PolicyException("testOnlyResolve: " + name + " must map to an IP address literal, got '"
                            + address + "'");
                }
            });
        }
        List<java.security.cert.X509Certificate> trust = List.of();
        if (f.testOnlyUpstreamTrust() != null) {
            Path pem = Path.of(f.testOnlyUpstreamTrust());
            if (!pem.isAbsolute()) {
                throw new PolicyException("testOnlyUpstreamTrust: '" + pem + "' must be an absolute path");
            }
            trust = TestOnlyUpstream.readTrust(pem);
        }
        return new TestOnlyUpstream(names, trust);
    }

    private GuardPolicy build(File f) {
        List<HostPattern> deny = new ArrayList<>(patterns("default deny", GuardPolicy.DEFAULT_DENY));
        deny.addAll(patterns("deny", nullToEmpty(f.deny())));
        Set<Integer> ports = new LinkedHashSet<>(f.ports() == null ? List.of(80, 443) : f.ports());
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new PolicyException("ports: " + p + " is not a TCP port");
            }
        }
        Map<HostPattern, Set<String>> methods = new LinkedHashMap<>();
        if (f.methods() != null) {
            f.methods().forEach((host, list) -> {
                Set<String> upper = new LinkedHashSet<>();
                for (String m : list) {
                    upper.add(m.toUpperCase(Locale.ROOT));
                }
                methods.put(pattern("methods", host), upper);
            });
        }
        Map<String, String> known = new LinkedHashMap<>();
        if (f.knownSecrets() != null) {
            f.knownSecrets().forEach((name, spec) -> {
                if (!isSecretName(name) || name.startsWith("credential.")) {
                    throw new PolicyException("knownSecrets: name '" + name + "' must be 1-64 of [A-Za-z0-9_.-] "
                            + "and must not start with 'credential.' (reserved for credential rules)");
                }
                known.put(name, secrets.resolve(spec));
            });
        }
        List<CredentialRule> creds = new ArrayList<>();
        for (Credential c : nullToEmpty(f.credentials())) {
            if (c.host() == null || c.header() == null || c.placeholder() == null) {
                throw new PolicyException("credentials: host, header, placeholder and secretSource are required");
            }
            HostPattern credentialHost = pattern("credentials.host", c.host());
            if (credentialHost.wildcard()) {
                throw new PolicyException("credentials.host: '" + c.host() + "' must be one exact host name");
            }
            CredentialRule rule = new CredentialRule(credentialHost.host(), c.header(),
                    c.placeholder(), c.secretSource(), secrets.resolve(c.secretSource()));
            creds.add(rule);
            known.put(rule.name(), rule.value());
        }
        long maxBody = f.maxBodyBytes() == null ? DEFAULT_MAX_BODY : f.maxBodyBytes();
        return new GuardPolicy(
                patterns("allow", nullToEmpty(f.allow())),
                deny,
                ports,
                methods,
                enumValue("generic", f.generic(), GenericAction.LOG, GenericAction.class),
                enumValue("failMode", f.failMode(), FailMode.CLOSED, FailMode.class),
                maxBody,
                f.maxDecodedBodyBytes() == null ? 4 * maxBody : f.maxDecodedBodyBytes(),
                webSockets(f),
                creds,
                known,
                Duration.ofMillis(f.scanTimeoutMillis() == null ? 5_000 : f.scanTimeoutMillis()),
                Boolean.TRUE.equals(f.testOnlyAllowLoopbackUpstream()));
    }

    private static WebSocketPolicy webSockets(File f) {
        WebSockets w = f.webSockets();
        if (w == null) {
            return WebSocketPolicy.REFUSE_ALL;
        }
        // An explicit refuseWebSockets = true wins over any list: the operator said no.
        List<HostPattern> allow = Boolean.TRUE.equals(f.refuseWebSockets()) ? List.of()
                : patterns("webSockets.allow", nullToEmpty(w.allow()));
        return new WebSocketPolicy(allow,
                w.maxFrameBytes() == null ? WebSocketPolicy.DEFAULT_MAX_FRAME_BYTES : w.maxFrameBytes(),
                w.maxMessageBytes() == null ? WebSocketPolicy.DEFAULT_MAX_MESSAGE_BYTES : w.maxMessageBytes());
    }

    private static <E extends Enum<E>> E enumValue(String key, String raw, E dflt, Class<E> type) {
        if (raw == null) {
            return dflt;
        }
        try {
            return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PolicyException(key + ": '" + raw + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    private static List<HostPattern> patterns(String key, List<String> raw) {
        List<HostPattern> out = new ArrayList<>();
        for (String r : raw) {
            out.add(pattern(key, r));
        }
        return out;
    }

    private static HostPattern pattern(String key, String raw) {
        try {
            return HostPattern.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(key + ": '" + raw + "' is not a host pattern: " + e.getMessage());
        }
    }

    /** The scanner's alphabet for known-secret names: 1–64 of {@code [A-Za-z0-9_.-]}. */
    private static boolean isSecretName(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
