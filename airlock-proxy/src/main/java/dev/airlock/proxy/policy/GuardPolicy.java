package dev.airlock.proxy.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The effective, validated policy of one session (see docs/configuration.md, "Egress guard policy"). Built by
 * {@link PolicyLoader}; immutable.
 *
 * @param allow                         hosts that may be reached; empty means nothing may be reached
 * @param deny                          hosts always refused (checked first; includes {@link #DEFAULT_DENY})
 * @param ports                         destination ports allowed (default 80 and 443)
 * @param methods                       per-host method restriction; hosts not listed allow every method
 * @param generic                       what {@code GENERIC} findings do
 * @param failMode                      what a scan error or timeout does
 * @param maxBodyBytes                  request bodies are buffered up to this size for scanning; larger is 413
 * @param maxDecodedBodyBytes           cap on a body after Content-Encoding is undone; larger is 413
 * @param webSockets                    hosts WebSocket upgrades may go to (frames are scanned) and frame/message caps
 * @param credentials                   credential injection rules
 * @param knownSecrets                  name → value of secrets that must never leave (plus every credential value)
 * @param scanTimeout                   wall-clock limit for scanning one request
 * @param testOnlyAllowLoopbackUpstream lets upstream addresses in 127/8 and ::1 through; for tests only
 */
public record GuardPolicy(
        List<HostPattern> allow,
        List<HostPattern> deny,
        Set<Integer> ports,
        Map<HostPattern, Set<String>> methods,
        GenericAction generic,
        FailMode failMode,
        long maxBodyBytes,
        long maxDecodedBodyBytes,
        WebSocketPolicy webSockets,
        List<CredentialRule> credentials,
        Map<String, String> knownSecrets,
        Duration scanTimeout,
        boolean testOnlyAllowLoopbackUpstream) {

    /** Paste and file-sharing sites: denied whatever the allowlist says. */
    public static final List<String> DEFAULT_DENY = List.of(
            "pastebin.com", "*.pastebin.com", "paste.ee", "hastebin.com", "dpaste.org", "dpaste.com", "file.io",
            "transfer.sh", "0x0.st", "ix.io", "sprunge.us", "termbin.com", "ghostbin.com", "controlc.com",
            "rentry.co", "paste.rs", "catbox.moe", "*.catbox.moe", "anonfiles.com", "gofile.io", "*.gofile.io",
            "webhook.site", "requestbin.net", "*.requestbin.net", "pipedream.net", "*.m.pipedream.net");

    public GuardPolicy {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        ports = Set.copyOf(ports);
        methods = Map.copyOf(methods);
        credentials = List.copyOf(credentials);
        knownSecrets = Map.copyOf(knownSecrets);
        if (maxBodyBytes <= 0 || maxDecodedBodyBytes <= 0) {
            throw new PolicyException("body size limits must be positive");
        }
    }

    public GuardPolicy withAllow(List<HostPattern> newAllow) {
        return new GuardPolicy(newAllow, deny, ports, methods, generic, failMode, maxBodyBytes, maxDecodedBodyBytes,
                webSockets, credentials, knownSecrets, scanTimeout, testOnlyAllowLoopbackUpstream);
    }

    /** This policy plus {@code more} known secrets (a sandbox session's canaries); existing names are kept. */
    public GuardPolicy withKnownSecrets(Map<String, String> more) {
        Map<String, String> merged = new java.util.LinkedHashMap<>(more);
        merged.putAll(knownSecrets);
        return new GuardPolicy(allow, deny, ports, methods, generic, failMode, maxBodyBytes, maxDecodedBodyBytes,
                webSockets, credentials, merged, scanTimeout, testOnlyAllowLoopbackUpstream);
    }

    /** Warnings to log at start for risky settings. */
    public List<String> warnings() {
        var out = new java.util.ArrayList<String>();
        if (failMode == FailMode.OPEN) {
            out.add("failMode = open: requests whose scan errors or times out are FORWARDED UNSCANNED");
        }
        if (testOnlyAllowLoopbackUpstream) {
            out.add("testOnlyAllowLoopbackUpstream = true: loopback upstreams are reachable; never use outside tests");
        }
        if (!webSockets.allow().isEmpty()) {
            out.add("WebSocket upgrades are allowed to " + webSockets.allow() + " (client frames are scanned; "
                    + "compression extensions are stripped)");
        }
        return out;
    }
}
